import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import type { CopyInstruction, Instruction } from "./ast.js";
import { ShellExpansionError, envFrom, expandHeredocBody, expandInstruction, expandWord, expandWords } from "./expand.js";
import { parseDockerfile } from "./parse.js";

const env = envFrom({ a: "A", empty: "", sp: "x  y", PWD: "/home", n1: "one", q: "'quoted'" });

// Cases from Docker's shell lexer behaviour (buildkit shell/envVarTest): input, expected.
const words: Array<[string, string]> = [
  ["hello", "hello"],
  ["he'll'o", "hello"],
  ['he"ll"o', "hello"],
  ["he\\'llo", "he'llo"],
  ["'$a'", "$a"],
  ['"$a"', "A"],
  ["$a", "A"],
  ["${a}", "A"],
  ["${a}b", "Ab"],
  ["$ab", ""],
  ["\\$a", "$a"],
  ['"\\$a"', "$a"],
  ['"\\x"', "\\x"],
  ['"a\\"b"', 'a"b'],
  ["'a\\b'", "a\\b"],
  ["$", "$"],
  ["a$", "a$"],
  ["${a:-x}", "A"],
  ["${empty:-x}", "x"],
  ["${unset:-x}", "x"],
  ["${empty-x}", ""],
  ["${unset-x}", "x"],
  ["${a:+x}", "x"],
  ["${empty:+x}", ""],
  ["${empty+x}", "x"],
  ["${unset+x}", ""],
  ["${unset:-$a}", "A"],
  ["${unset:-${empty:-${a}}}", "A"],
  ["${unset:-'x y'}", "x y"],
  ['${unset:-"$a b"}', "A b"],
  ["${a:?oops}", "A"],
  ["$unknown", ""],
  ["${sp}", "x  y"],
  ["a b  c", "a b  c"],
  ["$1", ""],
  ["$$", ""],
  ["${PWD}/x", "/home/x"],
  ["$q", "'quoted'"],
  ["trailing\\", "trailing"],
  ["é$a", "éA"],
];
for (const [input, want] of words) {
  test(`expandWord ${input}`, () => assert.equal(expandWord(input, env), want));
}

test("expandWord with the backtick escape leaves backslashes alone", () => {
  assert.equal(expandWord("c:\\dir", env, "`"), "c:\\dir");
  assert.equal(expandWord("`$a", env, "`"), "$a");
  assert.equal(expandWord('"`"x"', env, "`"), '"x');
});

const errors: Array<[string, RegExp]> = [
  ["${unset:?must be set}", /^unset: must be set$/],
  ["${unset:?}", /^unset: is not allowed to be unset$/],
  ["${empty:?}", /^empty: is not allowed to be empty$/],
  ["${empty?}", /^$/], // set (even empty) satisfies the non-colon form
  ["${unset?}", /^unset: is not allowed to be unset$/],
  ["${a", /missing '}'/],
  ["${a:-x", /missing '}'/],
  ["${}", /bad substitution/],
  ["${:a}", /bad substitution/],
  ["${a*}", /unsupported modifier \(\*\)/],
  ["${a:=x}", /unsupported modifier \(:=\)/],
  ["'abc", /matching single-quote/],
  ['"abc', /matching double-quote/],
];
for (const [input, want] of errors) {
  test(`expandWord error ${input}`, () => {
    if (want.source === "^$") {
      assert.equal(expandWord(input, env), "");
      return;
    }
    assert.throws(() => expandWord(input, env), (err: unknown) => {
      assert.ok(err instanceof ShellExpansionError);
      assert.ok(err instanceof InvalidArgumentError);
      assert.match(err.message, want);
      return true;
    });
  });
}

test("expandWords splits on unquoted whitespace, also inside substituted values", () => {
  assert.deepEqual(expandWords("a b  c", env), ["a", "b", "c"]);
  assert.deepEqual(expandWords("$sp z", env), ["x", "y", "z"]);
  assert.deepEqual(expandWords('"$sp" z', env), ["x  y", "z"]);
  assert.deepEqual(expandWords("'a b' c\\ d", env), ["a b", "c d"]);
  assert.deepEqual(expandWords("80/tcp ${unset:-443}", env), ["80/tcp", "443"]);
  assert.deepEqual(expandWords("  ", env), []);
  assert.deepEqual(expandWords("$empty", env), []);
});

test("hostile input: deep nesting is an error, long input is linear", () => {
  const deep = "${x:-".repeat(100_000) + "}".repeat(100_000);
  assert.throws(() => expandWord(deep, env), /nested deeper/);
  const wide = "${a}".repeat(200_000);
  assert.equal(expandWord(wide, env).length, 200_000);
  const manyOpen = "${".repeat(100_000);
  assert.throws(() => expandWord(manyOpen, env), ShellExpansionError);
  assert.throws(() => expandWord('"'.repeat(100_001), env), ShellExpansionError);
});

test("hostile input: self-doubling values stop at the expansion cap with a typed error", () => {
  const vars = new Map([["A", "x"]]);
  const look = (n: string) => vars.get(n);
  assert.throws(() => {
    for (let i = 0; i < 40; i++) vars.set("A", expandWord("$A$A", look));
  }, /expanded word is longer than 16777216 characters/);
  assert.ok((vars.get("A") as string).length <= 16 * 1024 * 1024);
  assert.throws(() => expandWord('"' + "$A".repeat(10) + '"', look), ShellExpansionError);
});

function only(df: string): Instruction {
  return parseDockerfile(`FROM scratch\n${df}\n`).stages[0].instructions[0];
}

test("expandInstruction substitutes the fields Docker substitutes", () => {
  const vars = envFrom({ dir: "/app", user: "nobody", port: "80 443", stage: "build", mode: "755", name: "k" });
  const cases: Array<[string, Record<string, unknown>]> = [
    ["WORKDIR $dir/sub", { value: "/app/sub" }],
    ["USER ${user}:${group:-users}", { value: "nobody:users" }],
    ["STOPSIGNAL ${sig:-SIGTERM}", { value: "SIGTERM" }],
    ["EXPOSE $port 8080", { values: ["80", "443", "8080"] }],
    ["VOLUME $dir /data", { values: ["/app", "/data"] }],
    ['VOLUME ["$dir/v"]', { values: ["/app/v"] }],
    ["ENV $name=$dir other='$dir' q=\"a $user\"", { pairs: [["k", "/app"], ["other", "$dir"], ["q", "a nobody"]] }],
    ["ENV legacy  $dir and  more", { pairs: [["legacy", "/app and  more"]] }],
    ["LABEL a=${dir}", { pairs: [["a", "/app"]] }],
    ["ARG x=$dir y", { args: [{ name: "x", default: "/app" }, { name: "y" }] }],
    ['COPY --from=$stage --chown=$user --chmod=$mode ["a b", "$dir/"]', {
      sources: ["a b"], dest: "/app/", from: "build", chown: "nobody", chmod: "755",
    }],
    // Docker splits COPY's shell form on whitespace before any quote or escape processing.
    ["COPY 'a'\\ b /", { sources: ["a", "b"] }],
    ["ADD $dir/x.tgz /", { sources: ["/app/x.tgz"], dest: "/" }],
  ];
  for (const [line, want] of cases) {
    const out = expandInstruction(only(line), vars) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.deepEqual(out[k], v, `${line}: ${k}`);
  }
});

test("expandInstruction leaves RUN CMD ENTRYPOINT SHELL HEALTHCHECK ONBUILD MAINTAINER alone", () => {
  const vars = envFrom({ a: "A" });
  for (const line of [
    "RUN echo $a",
    'CMD ["echo", "$a"]',
    "ENTRYPOINT echo $a",
    'SHELL ["/bin/$a"]',
    "HEALTHCHECK CMD test $a",
    "ONBUILD RUN echo $a",
    "MAINTAINER $a",
  ]) {
    const instr = only(line);
    assert.deepEqual(expandInstruction(instr, vars), instr, line);
  }
});

test("expandInstruction FROM uses the given (meta ARG) values for image and platform", () => {
  const df = parseDockerfile("ARG TAG=1\nFROM --platform=$BUILDPLATFORM busybox:${TAG} AS b\n");
  const out = expandInstruction(df.stages[0].from, envFrom({ TAG: "1.36", BUILDPLATFORM: "linux/amd64" }));
  assert.equal(out.image, "busybox:1.36");
  assert.equal(out.platform, "linux/amd64");
  assert.equal(out.stageName, "b");
  assert.equal(df.stages[0].from.image, "busybox:${TAG}", "the parsed AST is not modified");
});

test("expandInstruction COPY heredoc: expanded unless the delimiter was quoted, quotes kept", () => {
  const df = parseDockerfile('FROM scratch\nCOPY <<A <<"B" /dst/\necho "$x" \\$y \'$x\'\nA\necho "$x"\nB\n');
  const copy = expandInstruction(df.stages[0].instructions[0] as CopyInstruction, envFrom({ x: "X" }));
  assert.equal(copy.heredocs[0].content, "echo \"X\" $y 'X'\n");
  assert.equal(copy.heredocs[1].content, 'echo "$x"\n');
});

test("expandInstruction RUN heredoc is left to the shell", () => {
  const run = only("RUN <<EOF\necho $x\nEOF");
  assert.deepEqual(expandInstruction(run, envFrom({ x: "X" })), run);
});

test("expandInstruction errors name the word", () => {
  assert.throws(() => expandInstruction(only("WORKDIR ${dir:?dir must be set}"), envFrom({})), (err: unknown) => {
    assert.ok(err instanceof ShellExpansionError);
    assert.equal(err.message, 'failed to process "${dir:?dir must be set}": dir: dir must be set');
    return true;
  });
  assert.throws(() => expandInstruction(only("COPY 'a /b"), envFrom({})), /failed to process "'a": unexpected end/);
});

test("expandHeredocBody handles escapes like Docker", () => {
  assert.equal(expandHeredocBody("a\\$b $c\n", envFrom({ c: "C" })), "a$b C\n");
});

test("envFrom accepts a Map and never reads the prototype", () => {
  assert.equal(envFrom(new Map([["a", "1"]]))("a"), "1");
  assert.equal(envFrom({})("constructor"), undefined);
  assert.equal(expandWord("${toString:-x}", envFrom({})), "x");
});

// Each case was built on dockerd 20.10.24 (classic builder) and its image's Config.Env compared:
// the expected values are Docker's. ENV sees the state before the instruction (B=$A gives the old A).
const dockerVerified: Array<[string, Array<[string, string]>]> = [
  [
    "FROM scratch\nARG A=7\nARG B=\"two words\" C='$A' D=${A}x\nENV E1=$A E2=\"$B\" E3='$A' E4=\\$A E5=${unset:-def} E6=${A:+set} E7=\"a\\\"b\" E8=a\\ b\nENV E9 legacy  value   $A\nENV E10=${E1}${E2} E11=$C E12=$D\n",
    [["E1", "7"], ["E2", "two words"], ["E3", "$A"], ["E4", "$A"], ["E5", "def"], ["E6", "set"], ["E7", 'a"b'], ["E8", "a b"], ["E9", "legacy  value   7"], ["E10", "7two words"], ["E11", "$A"], ["E12", "7x"]],
  ],
  ["FROM scratch\nENV A=1\nENV A=2 B=$A\nENV C=\"${A}\" D='${A}' E=\"'$A'\" F='\"$A\"'\n", [["A", "2"], ["B", "1"], ["C", "2"], ["D", "${A}"], ["E", "'2'"], ["F", '"$A"']]],
  ["# escape=`\nFROM scratch\nENV P=c:\\dir Q=`$x R=\"a`\"b\"\n", [["P", "c:\\dir"], ["Q", "$x"], ["R", 'a"b']]],
  ["FROM scratch\nARG U\nARG W=\nENV U1=${U:-unset} U3=${U:+isset} W1=${W:-empty} W3=${W:+set} W4=x${W}y\n", [["U1", "unset"], ["U3", ""], ["W1", "empty"], ["W3", ""], ["W4", "xy"]]],
  ["FROM scratch\nARG X=1\nENV A=$X$ B=$ C=\"$\" D=${X}${X}$X E=$1 F=$$ G=a$-b\n", [["A", "1$"], ["B", "$"], ["C", "$"], ["D", "111"], ["E", ""], ["F", ""], ["G", "ab"]]],
  ["FROM scratch\nENV A=x\\\\y B=\"x\\\\y\" C='x\\\\y' D=\"x\\y\" E=x\\y\n", [["A", "x\\y"], ["B", "x\\y"], ["C", "x\\\\y"], ["D", "x\\y"], ["E", "xy"]]],
];
for (const [text, want] of dockerVerified) {
  test(`ENV values as dockerd computed them: ${JSON.stringify(text.split("\n").slice(1, 3).join(" | ")).slice(0, 60)}`, () => {
    const df = parseDockerfile(text);
    const env = new Map<string, string>();
    const args = new Map<string, string>();
    for (const raw of df.stages[0].instructions) {
      const i = expandInstruction(raw, (n) => env.get(n) ?? args.get(n), df.escape);
      if (i.kind === "arg") for (const a of i.args) if (a.default !== undefined) args.set(a.name, a.default);
      if (i.kind === "env") for (const [k, v] of i.pairs) env.set(k, v);
    }
    assert.deepEqual([...env], want);
  });
}
