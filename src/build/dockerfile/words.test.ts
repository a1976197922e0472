import { test } from "node:test";
import assert from "node:assert/strict";
import { extractBuilderFlags, parseJsonArray, parseWords, splitKeyword, splitWhitespace } from "./words.js";

test("parseWords keeps quotes and escapes, groups quoted blanks", () => {
  assert.deepEqual(parseWords('a="b c" d', "\\"), ['a="b c"', "d"]);
  assert.deepEqual(parseWords("a='b \" c' d\\ e", "\\"), ["a='b \" c'", "d\\ e"]);
  assert.deepEqual(parseWords('x="a\\" b" y', "\\"), ['x="a\\" b"', "y"]);
  assert.deepEqual(parseWords("'a\\' b'", "\\"), ["'a\\'", "b'"], "no escape inside single quotes");
  assert.deepEqual(parseWords('"" x', "\\"), ['""', "x"]);
  assert.deepEqual(parseWords("  a\t\tb  ", "\\"), ["a", "b"]);
  assert.deepEqual(parseWords("a\\", "\\"), ["a"], "an escape at the very end is dropped");
  assert.deepEqual(parseWords("a` b", "`"), ["a` b"]);
  assert.deepEqual(parseWords("é=ü 😀", "\\"), ["é=ü", "😀"]);
  assert.deepEqual(parseWords("", "\\"), []);
});

test("extractBuilderFlags takes leading --words only", () => {
  assert.deepEqual(extractBuilderFlags("--a=1 --b  rest --c"), { flags: ["--a=1", "--b"], rest: "rest --c" });
  assert.deepEqual(extractBuilderFlags('--a="x y" --b=\'z\' r'), { flags: ["--a=x y", "--b=z"], rest: "r" });
  assert.deepEqual(extractBuilderFlags("--a=x\\ y r"), { flags: ["--a=x y"], rest: "r" });
  assert.deepEqual(extractBuilderFlags("-- --a"), { flags: [], rest: " --a" });
  assert.deepEqual(extractBuilderFlags("--a --"), { flags: ["--a"], rest: "" });
  assert.deepEqual(extractBuilderFlags("-a"), { flags: [], rest: "-a" });
  assert.deepEqual(extractBuilderFlags("   "), { flags: [], rest: "" });
  assert.deepEqual(extractBuilderFlags('--a="unterminated'), { flags: ["--a=unterminated"], rest: "" });
});

test("splitKeyword and splitWhitespace", () => {
  assert.deepEqual(splitKeyword("  RUN \t echo  a "), ["RUN", "echo  a"]);
  assert.deepEqual(splitKeyword("CMD"), ["CMD", ""]);
  assert.deepEqual(splitWhitespace("a  b\tc"), ["a", "b", "c"]);
  assert.deepEqual(splitWhitespace(""), []);
});

test("parseJsonArray", () => {
  assert.deepEqual(parseJsonArray(' ["a", "b"]'), { ok: true, values: ["a", "b"] });
  assert.deepEqual(parseJsonArray("[]"), { ok: true, values: [] });
  assert.deepEqual(parseJsonArray('["a", 1]'), { ok: false, notStrings: true });
  assert.deepEqual(parseJsonArray('["a"'), { ok: false, notStrings: false });
  assert.deepEqual(parseJsonArray("echo [1]"), { ok: false, notStrings: false });
  assert.deepEqual(parseJsonArray('["\\u00e9"]'), { ok: true, values: ["é"] });
});
