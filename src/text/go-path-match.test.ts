import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "../errors/index.js";
import { goPathMatchRegExp } from "./go-path-match.js";

test("Go path.Match semantics: wildcards stop at /, classes with ^ and ! negation, escapes, literal specials", () => {
  const m = (p: string, s: string) => goPathMatchRegExp(p).test(s);
  assert.ok(m("*.txt", "a.txt"));
  assert.ok(!m("*.txt", "d/a.txt"), "* does not cross /");
  assert.ok(m("d/[ab]?.js", "d/a1.js"));
  assert.ok(!m("[!ab]x", "ax") && m("[!ab]x", "cx") && !m("[^ab]x", "bx"));
  assert.ok(m("a\\*b", "a*b") && !m("a\\*b", "axb"));
  assert.ok(m("a.b+(c)|d]", "a.b+(c)|d]") && !m("a.b", "axb"));
});

test("an unterminated class is an InvalidArgumentError worded by the caller", () => {
  assert.throws(() => goPathMatchRegExp("a[b"), (e: Error) => e instanceof InvalidArgumentError && e.message === "syntax error in pattern: a[b");
  assert.throws(() => goPathMatchRegExp("a[b", (p) => `bad ${p}`), /^InvalidArgumentError: bad a\[b$|bad a\[b/);
});
