import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDockerfile } from "../../../build/dockerfile/parse.js";
import type { Instruction } from "../../../build/dockerfile/ast.js";
import { InvalidArgumentError } from "../../../errors/index.js";
import { stepKey } from "../build-cache.js";
import { runBuildArgs, substitutionEnv, type StageState } from "../stage-state.js";
import { cleanSource, globRegExp } from "./copy-sources.js";
import { goDuration, goQuoteList, goRune, runCreatedBy } from "./created-by.js";
import { applyMetadata, isMetadataInstruction, resolveWorkdir, type MetadataInstruction } from "./metadata-step.js";

function stage(): StageState {
  return { imageId: "sha256:p", config: { Env: ["PATH=/bin"] }, cmdSet: false, args: new Map() };
}

function instr(line: string): MetadataInstruction {
  const i: Instruction = parseDockerfile(`FROM x\n${line}\n`).stages[0]!.instructions[0]!;
  assert.ok(isMetadataInstruction(i), line);
  return i;
}

test("Go formatting used in created_by (checked against dockerd 20.10)", () => {
  assert.equal(goQuoteList(["/bin/sh", "-c", 'echo "hi"\n']), '["/bin/sh" "-c" "echo \\"hi\\"\\n"]');
  assert.equal(goDuration(5e9), "5s");
  assert.equal(goDuration(90e9), "1m30s");
  assert.equal(goDuration(5e8), "500ms");
  assert.equal(goDuration(0), "0s");
  assert.equal(goDuration(3600e9 + 1e9), "1h0m1s");
  assert.equal(goRune(0), "'\\x00'");
  assert.equal(goRune(3), "'\\x03'");
  assert.equal(goRune(65), "'A'");
  assert.equal(runCreatedBy(["/bin/sh", "-c", "true"], []), "/bin/sh -c true");
  assert.equal(runCreatedBy(["/bin/sh", "-c", "true"], ["A=1", "B=2"]), "|2 A=1 B=2 /bin/sh -c true");
});

test("metadata steps: config changes and Docker's created_by", () => {
  const st = stage();
  let r = applyMetadata(st, instr('ENV X=1 Y="two words"'), {});
  assert.deepEqual(r.config.Env, ["PATH=/bin", "X=1", "Y=two words"]);
  assert.equal(r.createdBy, "/bin/sh -c #(nop)  ENV X=1 Y=two words");
  r = applyMetadata({ ...st, config: r.config }, instr("ENV PATH=/usr/bin"), {});
  assert.deepEqual(r.config.Env, ["PATH=/usr/bin", "X=1", "Y=two words"], "an ENV replaces its key in place");
  r = applyMetadata(st, instr("CMD echo hi"), {});
  assert.deepEqual(r.config.Cmd, ["/bin/sh", "-c", "echo hi"]);
  assert.equal(r.createdBy, '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo hi"]');
  const withCmd = { ...st, config: { Cmd: ["inherited"] } };
  assert.equal(applyMetadata(withCmd, instr('ENTRYPOINT ["/e"]'), {}).config.Cmd, null, "an ENTRYPOINT resets an inherited CMD");
  assert.deepEqual(applyMetadata({ ...withCmd, cmdSet: true }, instr('ENTRYPOINT ["/e"]'), {}).config.Cmd, ["inherited"]);
  r = applyMetadata(st, instr('SHELL ["/bin/bash", "-c"]'), {});
  assert.equal(r.createdBy, "/bin/bash -c #(nop)  SHELL [/bin/bash -c]");
  r = applyMetadata(st, instr("EXPOSE 80 90/udp"), {});
  assert.deepEqual(r.config.ExposedPorts, { "80/tcp": {}, "90/udp": {} });
  r = applyMetadata(st, instr("HEALTHCHECK --interval=5s --retries=3 CMD true"), {});
  assert.deepEqual(r.config.Healthcheck, { Test: ["CMD-SHELL", "true"], Interval: 5e9, Retries: 3 });
  assert.equal(r.createdBy, '/bin/sh -c #(nop)  HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" \'\\x03\'}');
  assert.equal(applyMetadata(st, instr("MAINTAINER me"), {}).author, "me");
  assert.throws(() => applyMetadata(st, instr("STOPSIGNAL SIG;rm"), {}), InvalidArgumentError);
});

test("ARG: --build-arg wins over the default; RUN sees args ENV does not shadow, sorted", () => {
  const st = stage();
  applyMetadata(st, instr("ARG B=2 A=1 C"), { B: "x" });
  assert.deepEqual([...st.args], [["B", "x"], ["A", "1"], ["C", undefined]]);
  assert.deepEqual(runBuildArgs(st), ["A=1", "B=x"]);
  const shadowed = { ...st, config: { Env: ["A=env"] } };
  assert.deepEqual(runBuildArgs(shadowed), ["B=x"]);
  assert.equal(substitutionEnv(shadowed)["A"], "env", "ENV wins over ARG in substitution");
});

test("WORKDIR resolution, COPY source cleaning and globs", () => {
  assert.equal(resolveWorkdir("", "app"), "/app");
  assert.equal(resolveWorkdir("/w", "rel/../x"), "/w/x");
  assert.equal(resolveWorkdir("/w", "/abs"), "/abs");
  assert.equal(cleanSource("./a/b/", "COPY"), "a/b");
  assert.equal(cleanSource("/a", "COPY"), "a");
  assert.equal(cleanSource(".", "COPY"), "");
  assert.throws(() => cleanSource("../x", "COPY"), /forbidden path outside the build context: \.\.\/x/);
  assert.throws(() => cleanSource("a/../../x", "COPY"), /forbidden path outside the build context/);
  assert.ok(globRegExp("*.txt").test("a.txt"));
  assert.ok(!globRegExp("*.txt").test("d/a.txt"), "* does not cross /");
  assert.ok(globRegExp("d/[ab]?.js").test("d/a1.js"));
  assert.ok(!globRegExp("a.b").test("axb"), "dots are literal");
});

test("cache keys differ by parent, step text and extras", () => {
  const k = stepKey("sha256:a", "/bin/sh -c true");
  assert.equal(k, stepKey("sha256:a", "/bin/sh -c true"));
  assert.notEqual(k, stepKey("sha256:b", "/bin/sh -c true"));
  assert.notEqual(k, stepKey("sha256:a", "/bin/sh -c false"));
  assert.notEqual(k, stepKey("sha256:a", "/bin/sh -c true", "chown=1"));
});
