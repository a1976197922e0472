import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import { parseDockerfile } from "./parse.js";
import { findTargetStage, parseMountFlag, resolveMetaArgs, resolveStageRef, stageDependencies, stagesNeeded } from "./stages.js";

const multi = parseDockerfile(`
ARG BASE=base
FROM busybox AS base
FROM alpine AS tools
FROM \${BASE} AS build
COPY --from=tools /bin/x /bin/x
FROM busybox AS unrelated
FROM scratch AS Final
COPY --from=BUILD /out /
RUN --mount=type=cache,target=/c --mount=type=bind,from=1,source=/a,target=/b true
COPY --from=nginx:latest /etc/nginx /n
`);

test("stagesNeeded follows FROM, COPY --from (name or index) and RUN --mount from=", () => {
  assert.deepEqual(stagesNeeded(multi), [0, 1, 2, 4]);
  assert.deepEqual(stagesNeeded(multi, "build"), [0, 1, 2]);
  assert.deepEqual(stagesNeeded(multi, "TOOLS"), [1]);
  assert.deepEqual(stagesNeeded(multi, "unrelated"), [3]);
});

test("FROM is expanded with the meta ARG values before it is resolved", () => {
  assert.deepEqual(stagesNeeded(multi, "build", { BASE: "busybox" }), [1, 2]);
  assert.deepEqual(stagesNeeded(multi, "build", new Map([["BASE", "tools"]])), [1, 2]);
  assert.deepEqual(stagesNeeded(multi, "build", (n) => (n === "BASE" ? "base" : undefined)), [0, 1, 2]);
  // without values, the meta ARG defaults
  assert.deepEqual(stageDependencies(multi, 2), [0, 1]);
  assert.deepEqual(stageDependencies(multi, 2, {}), [1], "${BASE} unset: empty, an image");
});

test("COPY --from with a meta ARG", () => {
  const df = parseDockerfile("ARG SRC=a\nFROM x AS a\nFROM x AS b\nFROM y\nCOPY --from=$SRC / /\n");
  assert.deepEqual(stagesNeeded(df, undefined, { SRC: "a" }), [0, 2]);
  assert.deepEqual(stagesNeeded(df, undefined, { SRC: "b" }), [1, 2]);
});

test("unknown target", () => {
  assert.throws(() => stagesNeeded(multi, "nope"), (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError);
    assert.equal(err.message, 'target stage "nope" could not be found');
    return true;
  });
  assert.equal(findTargetStage(multi), 4);
  assert.equal(findTargetStage(multi, ""), 4);
});

test("resolveStageRef: earlier stages only, names case-insensitive, numbers are indices", () => {
  assert.equal(resolveStageRef(multi, "Build", 3), 2);
  assert.equal(resolveStageRef(multi, "build", 2), undefined, "a stage cannot name itself or a later one");
  assert.equal(resolveStageRef(multi, "busybox", 4), undefined, "an image");
  assert.equal(resolveStageRef(multi, "0", 1), 0);
  assert.throws(() => resolveStageRef(multi, "2", 2), /refers to current or future build stage/);
  assert.throws(() => resolveStageRef(multi, "99", 4), InvalidArgumentError);
});

test("a numeric FROM is an image, and a stage may reuse a name of a later stage's image", () => {
  const df = parseDockerfile("FROM a AS x\nFROM 0\n");
  assert.deepEqual(stageDependencies(df, 1), []);
});

test("parseMountFlag", () => {
  assert.deepEqual(parseMountFlag("type=bind,from=build,source=/a,target=/b,readonly"), {
    type: "bind", from: "build", source: "/a", target: "/b", readonly: "true",
  });
  assert.deepEqual(parseMountFlag('type=secret,"id=a,b",Target=/x'), { type: "secret", id: "a,b", target: "/x" });
  assert.deepEqual(parseMountFlag(""), {});
});

test("resolveMetaArgs: defaults in order, --build-arg wins, predefined values usable", () => {
  const df = parseDockerfile('ARG A=1 B=${A}2\nARG C D="${TARGETARCH}-$B"\nARG E=$C\nFROM x\nARG F=no\n');
  assert.deepEqual([...resolveMetaArgs(df, {}, { TARGETARCH: "amd64" })], [
    ["TARGETARCH", "amd64"], ["A", "1"], ["B", "12"], ["D", "amd64-12"], ["E", ""],
  ]);
  const withArgs = resolveMetaArgs(df, { A: "9", C: "c", F: "ignored" });
  assert.equal(withArgs.get("B"), "92");
  assert.equal(withArgs.get("C"), "c");
  assert.equal(withArgs.get("E"), "c");
  assert.equal(withArgs.has("F"), false, "only meta ARGs");
});

// A lookup that scans the stages would make this quadratic (minutes); the timeout turns that into a failure.
test("many stages: every one needed, each referring to the first", { timeout: 60_000 }, () => {
  let text = "FROM a AS s0\n";
  for (let i = 1; i < 30_000; i++) text += `FROM s${i - 1} AS s${i}\nCOPY --from=s0 / /\n`;
  const df = parseDockerfile(text);
  assert.equal(stagesNeeded(df).length, 30_000);
  assert.deepEqual(stageDependencies(df, 29_999), [0, 29_998]);
});
