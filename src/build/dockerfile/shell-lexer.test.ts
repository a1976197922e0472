import { test } from "node:test";
import assert from "node:assert/strict";
import { lexWord, lexWords, unquoteWord } from "./shell-lexer.js";

const env = (n: string) => ({ a: "A", sp: "1 2" } as Record<string, string>)[n];

test("rawQuotes and rawEscapes keep quote and escape characters (heredoc delimiter lexing)", () => {
  assert.equal(lexWord(`'x'"y"`, env, { rawQuotes: true }), `'x'"y"`);
  assert.equal(lexWord("a\\ b", env, { rawEscapes: true }), "a\\ b");
  assert.deepEqual(lexWords(`cat <<"E O" x`, env, { rawQuotes: true }), ["cat", '<<"E O"', "x"]);
});

test("skipUnsetEnv leaves unset variables as written", () => {
  assert.equal(lexWord("$a $b ${b} ${b:-x}", env, { skipUnsetEnv: true }), "A $b ${b} ${b:-x}");
});

test("skipQuotes treats quotes as text (COPY heredoc bodies)", () => {
  assert.equal(lexWord(`"$a" '$a' \\$a`, env, { skipQuotes: true }), `"A" 'A' $a`);
});

test("unquoteWord removes quotes and escapes but keeps every $ expression", () => {
  assert.equal(unquoteWord(`"a $b" '$c' \\$d \${e:-"f g"} $`), `a $b $c $d \${e:-"f g"} $`);
  assert.equal(unquoteWord("`$x c:\\d", "`"), "$x c:\\d");
  assert.equal(unquoteWord(`"unterminated`), `"unterminated`, "returned as written; expansion reports the error");
});

test("whitespace inside a substituted value splits words, inside quotes it does not", () => {
  assert.deepEqual(lexWords("x$sp", env), ["x1", "2"]);
  assert.deepEqual(lexWords('"x$sp"', env), ["x1 2"]);
  assert.deepEqual(lexWords("''", env), []);
});
