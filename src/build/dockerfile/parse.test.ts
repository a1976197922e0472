import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import type { Instruction } from "./ast.js";
import { DockerfileParseError, MAX_DOCKERFILE_BYTES, MAX_INSTRUCTIONS, MAX_LINE_LENGTH, parseDockerfile, parseOnbuildTriggers } from "./parse.js";

/** The instructions of the only stage of `FROM scratch\n<body>`. */
function body(text: string): Instruction[] {
  return parseDockerfile(`FROM scratch\n${text}\n`).stages[0].instructions;
}
function one(text: string): Record<string, unknown> {
  const instrs = body(text);
  assert.equal(instrs.length, 1, `one instruction in ${JSON.stringify(text)}`);
  return instrs[0] as unknown as Record<string, unknown>;
}
function fails(text: string, reason: string | RegExp, line?: number, column?: number): void {
  assert.throws(() => parseDockerfile(text), (err: unknown) => {
    assert.ok(err instanceof DockerfileParseError, `DockerfileParseError, got ${String(err)}`);
    assert.ok(err instanceof InvalidArgumentError);
    if (typeof reason === "string") assert.equal(err.reason, reason);
    else assert.match(err.reason, reason);
    if (line !== undefined) assert.equal(err.line, line, "line");
    if (column !== undefined) assert.equal(err.column, column, "column");
    return true;
  });
}
const inStage = (text: string) => `FROM scratch\n${text}\n`;

test("a small multi-stage Dockerfile", () => {
  const df = parseDockerfile(
    "ARG BASE=busybox\nFROM ${BASE} AS Build\nRUN echo hi\nFROM busybox\nCOPY --from=build /a /b\nCMD [\"sh\"]\n",
  );
  assert.equal(df.escape, "\\");
  assert.deepEqual(df.directives, {});
  assert.equal(df.metaArgs.length, 1);
  assert.deepEqual(df.metaArgs[0].args, [{ name: "BASE", default: "busybox" }]);
  assert.equal(df.stages.length, 2);
  assert.equal(df.stages[0].index, 0);
  assert.equal(df.stages[0].from.image, "${BASE}");
  assert.equal(df.stages[0].from.stageName, "build");
  assert.deepEqual(df.stages[0].from.pos, { line: 2, column: 1 });
  assert.equal(df.stages[1].instructions.length, 2);
  assert.deepEqual(df.warnings, []);
});

test("keywords are case-insensitive; original keeps the written case", () => {
  const df = parseDockerfile("from busybox as B\nrun echo hi\nCoPy a b\n");
  assert.equal(df.stages[0].from.stageName, "b");
  assert.equal(df.stages[0].instructions[0].kind, "run");
  assert.equal(df.stages[0].instructions[0].original, "run echo hi");
  assert.equal(df.stages[0].instructions[1].kind, "copy");
});

test("comments, blank lines, indentation, CRLF and a BOM", () => {
  const df = parseDockerfile("\ufeff# c1\n\n   # c2\r\nFROM a\r\n\t  RUN echo '# not a comment'\r\n\n");
  const run = df.stages[0].instructions[0];
  assert.deepEqual(run.pos, { line: 5, column: 4 });
  assert.equal(run.original, "RUN echo '# not a comment'");
  assert.deepEqual((run as { cmd: unknown }).cmd, { kind: "shell", text: "echo '# not a comment'" });
});

test("line continuation joins lines, drops comment lines, skips empty ones with a warning", () => {
  const df = parseDockerfile("FROM a\nRUN echo hello \\\n# comment\n   world \\\n\n  again\nRUN next\n");
  const [run, next] = df.stages[0].instructions;
  assert.equal(run.original, "RUN echo hello    world   again");
  assert.deepEqual(run.pos, { line: 2, column: 1 });
  assert.equal(run.endLine, 6);
  assert.deepEqual(next.pos, { line: 7, column: 1 });
  assert.deepEqual(df.warnings, [
    "Empty continuation line found in:\n    RUN echo hello    world   again",
    "Empty continuation lines will become errors in a future release.",
  ]);
});

test("continuation: blanks after the escape character, escape at end of file, comment ending in escape", () => {
  assert.equal(one("RUN a \\  \t\nb").original, "RUN a b");
  assert.equal(one("RUN a \\").original, "RUN a");
  const df = parseDockerfile("FROM a\n# comment \\\nRUN x\n");
  assert.equal(df.stages[0].instructions[0].original, "RUN x");
});

test("escape directive switches the continuation and escape character", () => {
  const df = parseDockerfile("# escape=`\nFROM a\nCOPY testfile.txt c:\\\nRUN dir c:\\\nRUN a `\n b\n");
  assert.equal(df.escape, "`");
  assert.deepEqual(df.directives, { escape: "`" });
  const [copy, run1, run2] = df.stages[0].instructions;
  assert.equal((copy as { dest: string }).dest, "c:\\");
  assert.equal(run1.original, "RUN dir c:\\");
  assert.equal(run2.original, "RUN a  b");
  // With the default escape the same file joins COPY and RUN, as Docker's reference shows.
  const plain = parseDockerfile("FROM a\nCOPY testfile.txt c:\\\nRUN dir c:\\\n");
  assert.equal(plain.stages[0].instructions[0].original, "COPY testfile.txt c:RUN dir c:");
});

test("parser directives: only at the top, case-insensitive keys, blanks allowed, syntax warns", () => {
  const df = parseDockerfile("#  SYNTAX = docker/dockerfile:1 \n#\tcheck=skip=all\nFROM a\n");
  assert.deepEqual(df.directives, { syntax: "docker/dockerfile:1", check: "skip=all" });
  assert.deepEqual(df.warnings, ["syntax directive ignored"]);
  // after a comment, a blank line, an instruction or an unknown directive: a comment
  for (const text of [
    "# hello\n# escape=`\nFROM a\n",
    "\n# escape=`\nFROM a\n",
    "FROM a\n# escape=`\n",
    "# unknown=1\n# escape=`\nFROM a\n",
  ]) {
    const d = parseDockerfile(text);
    assert.equal(d.escape, "\\", text);
    assert.deepEqual(Object.keys(d.directives), [], text);
  }
});

test("parser directive errors", () => {
  fails("# escape=`\n# escape=\\\nFROM a\n", "only one escape parser directive can be used", 2);
  fails("# escape=x\nFROM a\n", "invalid escape token 'x' does not match ` or \\", 1);
});

test("exec form, shell form and Docker's fallback for invalid JSON", () => {
  assert.deepEqual(one('CMD ["a", "b c"]').cmd, { kind: "exec", args: ["a", "b c"] });
  assert.deepEqual(one("CMD []").cmd, { kind: "exec", args: [] });
  assert.deepEqual(one('ENTRYPOINT ["a",]').cmd, { kind: "shell", text: '["a",]' });
  assert.deepEqual(one("CMD [ 'a' ]").cmd, { kind: "shell", text: "[ 'a' ]" });
  assert.deepEqual(one('RUN ["a"] b').cmd, { kind: "shell", text: '["a"] b' });
  assert.deepEqual(one('RUN [ "unterminated').cmd, { kind: "shell", text: '[ "unterminated' });
  assert.deepEqual(one("CMD").cmd, { kind: "shell", text: "" });
  fails(inStage('CMD ["a", 1]'), "when using JSON array syntax, arrays must be comprised of strings only", 2);
  fails(inStage("RUN [null]"), /arrays must be comprised of strings only/);
});

test("RUN flags", () => {
  const run = one("RUN --mount=type=cache,target=/c --mount=type=bind,src=a,target=b --network=none --security=insecure make");
  assert.deepEqual(run.flags, {
    mount: ["type=cache,target=/c", "type=bind,src=a,target=b"],
    network: ["none"],
    security: ["insecure"],
  });
  assert.deepEqual(run.cmd, { kind: "shell", text: "make" });
  assert.deepEqual(one('RUN --network="host" -- --x').cmd, { kind: "shell", text: "--x" });
  fails(inStage("  RUN --foo=bar x"), "unknown flag: foo", 2, 3);
  fails(inStage("RUN --network x"), "missing a value on flag: network", 2);
  fails(inStage("RUN --network=a --network=b x"), "duplicate flag specified: network", 2);
  // Docker reads leading --words as flags for every instruction.
  fails(inStage("CMD --help"), "unknown flag: help", 2);
  fails(inStage("ENV --x=1 a=b"), "unknown flag: x", 2);
});

test("COPY and ADD", () => {
  const copy = one("COPY --chown=1:2 --chmod=0755 --from=build --link --parents --exclude=*.md --exclude=x a b* /dst/");
  assert.equal(copy.kind, "copy");
  assert.deepEqual(copy.sources, ["a", "b*"]);
  assert.equal(copy.dest, "/dst/");
  assert.equal(copy.chown, "1:2");
  assert.equal(copy.chmod, "0755");
  assert.equal(copy.from, "build");
  assert.deepEqual(copy.flags, { link: ["true"], parents: ["true"], exclude: ["*.md", "x"] });
  assert.deepEqual(one("COPY --link=false a b").flags, { link: ["false"] });
  assert.deepEqual(one('COPY ["a b", "c"]').sources, ["a b"]);
  const add = one("ADD --keep-git-dir --checksum=sha256:abc https://x/y.tgz /");
  assert.deepEqual(add.flags, { "keep-git-dir": ["true"], checksum: ["sha256:abc"] });
  assert.deepEqual(add.sources, ["https://x/y.tgz"]);
  fails(inStage("COPY a"), "COPY requires at least two arguments, but only one was provided. Destination could not be determined.", 2);
  fails(inStage("ADD"), /^ADD requires at least two arguments/);
  fails(inStage("ADD --from=x a b"), "unknown flag: from");
  fails(inStage("COPY --link=maybe a b"), "expecting boolean value for flag link, not: maybe");
  fails(inStage("COPY --link= a b"), "missing a value on flag: link");
  fails(inStage("COPY --chown=1 --chown=2 a b"), "duplicate flag specified: chown");
});

test("ENV and LABEL: name=value pairs, quotes removed, legacy form", () => {
  const env = one('ENV a=1 b="x y" c=\'$z\' d=e\\ f g="q\\"q" h= "i j"=k');
  assert.deepEqual(env.pairs, [["a", "1"], ["b", "x y"], ["c", "$z"], ["d", "e f"], ["g", 'q"q'], ["h", ""], ["i j", "k"]]);
  assert.deepEqual(env.rawPairs, [["a", "1"], ["b", '"x y"'], ["c", "'$z'"], ["d", "e\\ f"], ["g", '"q\\"q"'], ["h", ""], ['"i j"', "k"]]);
  assert.deepEqual(one("ENV PATH $PATH:/x").pairs, [["PATH", "$PATH:/x"]]);
  assert.deepEqual(one("ENV k  value with   spaces ").pairs, [["k", "value with   spaces"]]);
  assert.deepEqual(one('LABEL "com.example.a"="x" b=2').pairs, [["com.example.a", "x"], ["b", "2"]]);
  assert.equal(one("LABEL a=1").kind, "label");
  fails(inStage("ENV"), "ENV requires at least one argument", 2);
  fails(inStage("ENV a"), "ENV must have two arguments", 2);
  fails(inStage("LABEL a=1 b"), 'Syntax error - can\'t find = in "b". Must be of the form: name=value', 2);
  fails(inStage("ENV =x"), "ENV names can not be blank", 2);
});

test("ARG with and without defaults, several per line", () => {
  assert.deepEqual(one('ARG a b=2 c="x y" d=').args, [
    { name: "a" },
    { name: "b", default: "2" },
    { name: "c", default: '"x y"' },
    { name: "d", default: "" },
  ]);
  fails(inStage("ARG"), "ARG requires at least one argument", 2);
});

test("EXPOSE, VOLUME, SHELL, WORKDIR, USER, STOPSIGNAL, MAINTAINER", () => {
  assert.deepEqual(one("EXPOSE 8080 80/udp 443").values, ["443", "80/udp", "8080"], "sorted as Docker does");
  assert.deepEqual(one("VOLUME /a  /b").values, ["/a", "/b"]);
  assert.deepEqual(one('VOLUME ["/a b", " /c "]').values, ["/a b", "/c"]);
  assert.deepEqual(one('SHELL ["powershell", "-command"]').args, ["powershell", "-command"]);
  assert.deepEqual(one("WORKDIR /a b").value, "/a b");
  assert.deepEqual(one("USER 1000:1000").value, "1000:1000");
  assert.deepEqual(one("STOPSIGNAL SIGKILL").value, "SIGKILL");
  assert.equal(one("MAINTAINER Jane <j@x>").kind, "maintainer");
  fails(inStage("EXPOSE"), "EXPOSE requires at least one argument", 2);
  fails(inStage("VOLUME"), "VOLUME requires at least one argument", 2);
  fails(inStage('VOLUME ["/a", ""]'), "VOLUME specified can not be an empty string", 2);
  fails(inStage("SHELL /bin/sh -c"), "SHELL requires the arguments to be in JSON form", 2);
  fails(inStage('SHELL ["/bin/sh"'), "SHELL requires the arguments to be in JSON form", 2);
  fails(inStage("SHELL []"), "SHELL requires at least one argument", 2);
  fails(inStage("WORKDIR"), "WORKDIR requires exactly one argument", 2);
  fails(inStage("USER"), "USER requires exactly one argument", 2);
  fails(inStage("STOPSIGNAL"), "STOPSIGNAL requires exactly one argument", 2);
  fails(inStage("MAINTAINER"), "MAINTAINER requires exactly one argument", 2);
});

test("HEALTHCHECK", () => {
  const h = one("HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=1.5s --start-interval=2s --retries=3 CMD curl -f http://x/");
  assert.deepEqual(h.test, ["CMD-SHELL", "curl -f http://x/"]);
  assert.equal(h.none, false);
  assert.equal(h.interval, 90e9);
  assert.equal(h.timeout, 500e6);
  assert.equal(h.startPeriod, 1.5e9);
  assert.equal(h.startInterval, 2e9);
  assert.equal(h.retries, 3);
  const e = one('healthcheck cmd ["/bin/check", "-v"]');
  assert.deepEqual(e.test, ["CMD", "/bin/check", "-v"]);
  assert.equal(e.interval, undefined);
  assert.equal(e.retries, undefined);
  const n = one("HEALTHCHECK NONE");
  assert.equal(n.none, true);
  assert.equal(n.test, undefined);
  fails(inStage("HEALTHCHECK"), "HEALTHCHECK requires at least one argument", 2);
  fails(inStage("HEALTHCHECK NONE x"), "HEALTHCHECK NONE takes no arguments", 2);
  fails(inStage("HEALTHCHECK CMD"), "Missing command after HEALTHCHECK CMD", 2);
  fails(inStage("HEALTHCHECK CMD []"), "Missing command after HEALTHCHECK CMD", 2);
  fails(inStage("HEALTHCHECK RUN x"), 'Unknown type "RUN" in HEALTHCHECK (try CMD)', 2);
  fails(inStage("HEALTHCHECK --interval=5 CMD x"), 'time: missing unit in duration "5"', 2);
  fails(inStage("HEALTHCHECK --interval=5x CMD x"), 'time: unknown unit "x" in duration "5x"', 2);
  fails(inStage("HEALTHCHECK --timeout=100us CMD x"), 'Interval "timeout" cannot be less than 1ms', 2);
  fails(inStage("HEALTHCHECK --interval=-1s CMD x"), 'Interval "interval" cannot be less than 1ms', 2);
  fails(inStage("HEALTHCHECK --retries=0 CMD x"), "--retries must be at least 1 (not 0)", 2);
  fails(inStage("HEALTHCHECK --retries=x CMD x"), 'strconv.ParseInt: parsing "x": invalid syntax', 2);
  fails(inStage("HEALTHCHECK --retries=99999999999 CMD x"), /value out of range/, 2);
  fails(inStage("HEALTHCHECK --foo=1 CMD x"), "unknown flag: foo", 2);
});

test("ONBUILD", () => {
  assert.equal(one("ONBUILD RUN --mount=type=cache,target=/x echo hi").trigger, "RUN --mount=type=cache,target=/x echo hi");
  assert.equal(one("  onbuild   ADD . /app").trigger, "ADD . /app");
  fails(inStage("ONBUILD"), "ONBUILD requires at least one argument", 2);
  fails(inStage("ONBUILD ONBUILD RUN x"), "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", 2);
  fails(inStage("ONBUILD from x"), "FROM isn't allowed as an ONBUILD trigger", 2);
  fails(inStage("ONBUILD MAINTAINER x"), "MAINTAINER isn't allowed as an ONBUILD trigger", 2);
});

test("FROM", () => {
  const df = parseDockerfile("FROM --platform=linux/arm64 a:1 AS x.y-z_1\nFROM x.y-z_1\n");
  assert.equal(df.stages[0].from.platform, "linux/arm64");
  assert.equal(df.stages[0].from.stageName, "x.y-z_1");
  assert.equal(df.stages[1].from.stageName, undefined);
  fails("FROM\n", "FROM requires either one or three arguments", 1);
  fails("FROM a b\n", "FROM requires either one or three arguments", 1);
  fails("FROM a AS 1x\n", 'invalid name for build stage: "1x", name can\'t start with a number or contain symbols', 1);
  fails("FROM a AS b/c\n", /invalid name for build stage/, 1);
  fails("FROM a AS b\nFROM c AS B\n", 'duplicate stage name "b"', 2);
  fails("FROM --platform a\n", "missing a value on flag: platform", 1);
});

test("what may come before the first FROM", () => {
  const df = parseDockerfile("# c\nARG A=1 B\nARG C\nFROM x\nARG A\n");
  assert.equal(df.metaArgs.length, 2);
  assert.equal(df.stages[0].instructions.length, 1);
  fails("ENV a=b\nFROM x\n", "no build stage in current context", 1, 1);
  fails("ARG a\n  RUN x\nFROM x\n", "no build stage in current context", 2, 3);
  fails("ARG a\n", "no build stage in current context", 1);
  // dockerd 20.10.24 says exactly these two
  const bare = (text: string, message: string) =>
    assert.throws(() => parseDockerfile(text), (err: unknown) => {
      assert.ok(err instanceof DockerfileParseError);
      assert.equal(err.message, message);
      return true;
    });
  bare("", "the Dockerfile (Dockerfile) cannot be empty");
  assert.throws(() => parseDockerfile("", { name: "build/Dockerfile.dev" }), { message: "the Dockerfile (build/Dockerfile.dev) cannot be empty" });
  for (const blank of ["\n\n", "# only a comment\n", "   \n\t\n", "# escape=`\n"]) bare(blank, "file with no instructions");
});

test("unknown instruction: message with line and column", () => {
  assert.throws(() => parseDockerfile("FROM a\nRUN x\n  FOOO bar\n"), (err: unknown) => {
    assert.ok(err instanceof DockerfileParseError);
    assert.equal(err.message, "dockerfile parse error on line 3, column 3: unknown instruction: FOOO");
    assert.equal(err.line, 3);
    assert.equal(err.column, 3);
    return true;
  });
  fails("from a\nfooo x\n", "unknown instruction: FOOO", 2, 1);
});

test("heredocs in RUN", () => {
  const df = parseDockerfile("FROM a\nRUN <<EOF\necho $x\n  indented\nEOF\nRUN next\n");
  const [run, next] = df.stages[0].instructions as Array<Instruction & Record<string, unknown>>;
  assert.deepEqual(run.cmd, { kind: "shell", text: "<<EOF" });
  assert.deepEqual(run.heredocs, [{ name: "EOF", content: "echo $x\n  indented\n", expand: true }]);
  assert.equal(run.original, "RUN <<EOF");
  assert.equal(run.endLine, 5);
  assert.deepEqual(next.pos, { line: 6, column: 1 });

  const chomp = one("RUN cat <<-EOT > /f\n\tline1\n\t\tline2\n  keep\n\tEOT");
  assert.deepEqual(chomp.heredocs, [{ name: "EOT", content: "line1\nline2\n  keep\n", expand: true }]);
  assert.deepEqual(one("RUN <<'E'\n$x\nE").heredocs, [{ name: "E", content: "$x\n", expand: false }]);
  assert.deepEqual(one('RUN <<"E"\n$x\nE').heredocs, [{ name: "E", content: "$x\n", expand: false }]);
  assert.deepEqual(one('RUN <<E"N"D\n$x\nEND').heredocs, [{ name: "END", content: "$x\n", expand: false }]);
  const two = one("RUN --network=none cat <<A - <<B\na\nA\nb\nB");
  assert.deepEqual(two.heredocs, [
    { name: "A", content: "a\n", expand: true },
    { name: "B", content: "b\n", expand: true },
  ]);
  assert.deepEqual(one("RUN <<EOF\nEOF").heredocs, [{ name: "EOF", content: "", expand: true }]);
  const crlf = parseDockerfile("FROM a\r\nRUN <<EOF\r\na\r\nb\rc\r\nEOF\r\nRUN x\r\n").stages[0].instructions;
  assert.deepEqual((crlf[0] as { heredocs: unknown }).heredocs, [{ name: "EOF", content: "a\nb\rc\n", expand: true }]);
  assert.equal(crlf[1].pos.line, 6);
});

test("no heredoc: JSON form, quoted marker, other instructions, bare <<", () => {
  assert.deepEqual(one('RUN ["cat", "<<EOF"]').heredocs, []);
  assert.deepEqual(one("RUN echo '<<EOF'").heredocs, []);
  assert.deepEqual(one("RUN echo a<<b").heredocs, []);
  assert.deepEqual(one("RUN echo <<").heredocs, []);
  assert.equal(body("CMD cat <<EOF\nRUN x").length, 2);
});

test("heredocs with blanks after << (BuildKit v0.22)", () => {
  const r = one("RUN cat << EOF > /f\nbody\nEOF");
  assert.deepEqual(r.heredocs, [{ name: "EOF", content: "body\n", expand: true }]);
  const c = one("COPY << 'EOF' /dst\n$x\nEOF");
  assert.deepEqual(c.sources, []);
  assert.deepEqual(c.heredocs, [{ name: "EOF", content: "$x\n", expand: false }]);
  assert.equal(c.dest, "/dst");
});

test("heredocs in COPY/ADD and ONBUILD", () => {
  const copy = one('COPY --chmod=755 <<one.sh <<"two" /usr/bin/\n#!/bin/sh\necho $A\none.sh\n$B\ntwo');
  assert.deepEqual(copy.sources, []);
  assert.equal(copy.dest, "/usr/bin/");
  assert.deepEqual(copy.heredocs, [
    { name: "one.sh", content: "#!/bin/sh\necho $A\n", expand: true },
    { name: "two", content: "$B\n", expand: false },
  ]);
  const mixed = one("ADD a <<EOF b /d/\nx\nEOF");
  assert.deepEqual(mixed.sources, ["a", "b"]);
  assert.equal((mixed.heredocs as unknown[]).length, 1);
  fails(inStage("COPY a <<EOF\nx\nEOF"), "COPY cannot accept a heredoc as a destination", 2);
  const ob = one("ONBUILD RUN <<EOF\necho hi\nEOF");
  assert.equal(ob.trigger, "RUN <<EOF\necho hi\nEOF");
});

test("unterminated heredoc names the instruction's line", () => {
  fails("FROM a\n  RUN <<EOF\necho\n", "unterminated heredoc", 2, 3);
  fails("FROM a\nRUN <<A <<B\na\nA\nb\n", "unterminated heredoc", 2);
  fails("FROM a\nRUN <<-A\n a\n A\n", "unterminated heredoc", 2); // only tabs are stripped
});

test("hostile input: size limits and NUL bytes", () => {
  assert.throws(() => parseDockerfile("FROM a\nRUN " + "x".repeat(MAX_DOCKERFILE_BYTES)), (err: unknown) => {
    assert.ok(err instanceof DockerfileParseError);
    assert.match(err.message, /larger than 10485760 bytes/);
    return true;
  });
  // multi-byte characters count as bytes
  assert.throws(() => parseDockerfile("FROM a\n#" + "é".repeat(MAX_DOCKERFILE_BYTES / 2)), /larger than/);
  fails("FROM a\nRUN " + "y".repeat(MAX_LINE_LENGTH) + "\n", /line longer than 1048576 characters/, 2, MAX_LINE_LENGTH + 1);
  fails("FROM a\nRUN ab\0c\n", "NUL byte in Dockerfile", 2, 7);
  fails("\0", "NUL byte in Dockerfile", 1, 1);
});

test("hostile input: 100k continuation lines, 100k instructions, deep JSON, many markers", () => {
  const cont = "FROM a\nRUN echo \\\n" + "  x \\\n".repeat(100_000) + "  end\n";
  const run = parseDockerfile(cont).stages[0].instructions[0];
  assert.equal(run.endLine, 100_003);
  assert.ok(run.original.endsWith("x   end"));

  const many = "FROM a\n" + "RUN x\n".repeat(MAX_INSTRUCTIONS - 1);
  assert.equal(parseDockerfile(many).stages[0].instructions.length, MAX_INSTRUCTIONS - 1);
  fails(many + "  RUN y\n", `too many instructions (more than ${MAX_INSTRUCTIONS})`, MAX_INSTRUCTIONS + 1, 3);

  const commented = "FROM a\nRUN a \\\n" + "# c\n".repeat(100_000) + "b\n";
  assert.equal(parseDockerfile(commented).stages[0].instructions[0].original, "RUN a b");

  const deepJson = "[".repeat(200_000) + "]".repeat(200_000);
  fails(inStage("CMD " + deepJson), /arrays must be comprised of strings only/, 2);
  const unbalanced = "[".repeat(200_000);
  assert.deepEqual(one("CMD " + unbalanced).cmd, { kind: "shell", text: unbalanced });

  fails("FROM a\nRUN " + "<<A ".repeat(50_000) + "\nA\n", "unterminated heredoc", 2);
  const vars = one("WORKDIR " + "${".repeat(100_000));
  assert.equal((vars.value as string).length, 200_000, "the parser never expands, so ${ is just text");

  assert.equal((one("ENV " + "a=\"".repeat(10_000)).pairs as unknown[]).length, 1, "quotes group the whole rest");
  assert.equal(body("LABEL " + "k=v ".repeat(100_000)).length, 1);
});

test("every physical line shape parses or fails with a DockerfileParseError", () => {
  const pieces = ["FROM a", "RUN", "<<EOF", "EOF", "\\", "`", '"', "'", "[", "]", "#", "--x", "ENV a", " ", "\t", "ONBUILD", "COPY", "=", "$", "${"];
  // mulberry32, 32-bit integer math (see fuzz.test.ts)
  let state = 7;
  const rand = (n: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  for (let round = 0; round < 2000; round++) {
    const lines = ["FROM a"];
    for (let i = 0; i < 6; i++) {
      let line = "";
      for (let j = 0; j < 4; j++) line += pieces[rand(pieces.length)] + (rand(2) ? " " : "");
      lines.push(line);
    }
    const text = lines.join("\n");
    try {
      parseDockerfile(text);
    } catch (err) {
      assert.ok(err instanceof DockerfileParseError, `${JSON.stringify(text)} → ${String(err)}`);
      assert.ok(err.line >= 1 && err.column >= 1);
    }
  }
});

test("ONBUILD triggers of a base image parse back into instructions", () => {
  const triggers = [one("ONBUILD COPY . /app").trigger, one("ONBUILD RUN <<EOF\necho $x\nEOF").trigger, "ENV a=1 b=2"] as string[];
  const instrs = parseOnbuildTriggers(triggers);
  assert.deepEqual(instrs.map((i) => i.kind), ["copy", "run", "env"]);
  assert.deepEqual((instrs[1] as { heredocs: unknown }).heredocs, [{ name: "EOF", content: "echo $x\n", expand: true }]);
  assert.equal(instrs[0].original, "COPY . /app");
  for (const [bad, why] of [["FROM x", "FROM isn't allowed"], ["ONBUILD RUN x", "Chaining ONBUILD"], ["FOOO", "unknown instruction"], ["RUN <<EOF", "unterminated heredoc"]]) {
    assert.throws(() => parseOnbuildTriggers([bad]), (err: unknown) => {
      assert.ok(err instanceof DockerfileParseError);
      assert.ok(err.message.includes(why) && err.message.includes(JSON.stringify(bad)), err.message);
      return true;
    });
  }
});
