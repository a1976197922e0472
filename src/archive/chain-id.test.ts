import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { InvalidArgumentError } from "../errors/index.js";
import { chainIdOf, chainIdsOf } from "./chain-id.js";
import { cleanEntryName } from "./entry-name.js";
import { parseWhiteout } from "./whiteout.js";

const d1 = `sha256:${"1".repeat(64)}`;
const d2 = `sha256:${"2".repeat(64)}`;

test("chainIdOf follows the OCI definition", () => {
  assert.equal(chainIdOf(null, d1), d1);
  const expected = `sha256:${createHash("sha256").update(`${d1} ${d2}`).digest("hex")}`;
  assert.equal(chainIdOf(d1, d2), expected);
  assert.deepEqual(chainIdsOf([d1, d2]), [d1, expected]);
  assert.throws(() => chainIdOf(null, "sha256:../x"), InvalidArgumentError);
  assert.throws(() => chainIdOf("bogus", d1), InvalidArgumentError);
});

test("cleanEntryName strips leading slashes and refuses escapes", () => {
  assert.deepEqual(cleanEntryName("/etc/passwd"), ["etc", "passwd"]);
  assert.deepEqual(cleanEntryName("./a//b/./c/"), ["a", "b", "c"]);
  assert.deepEqual(cleanEntryName("a/../b"), ["b"]);
  assert.deepEqual(cleanEntryName("./"), []);
  for (const bad of ["..", "../x", "a/../../x", "/../x", "a\0b"]) {
    assert.throws(() => cleanEntryName(bad), InvalidArgumentError, bad);
  }
});

test("parseWhiteout classifies OCI whiteout names", () => {
  assert.deepEqual(parseWhiteout(".wh.foo"), { kind: "whiteout", target: "foo" });
  assert.deepEqual(parseWhiteout(".wh..wh..opq"), { kind: "opaque" });
  assert.deepEqual(parseWhiteout(".wh..wh.plnk"), { kind: "meta" });
  assert.deepEqual(parseWhiteout(".wh."), { kind: "meta" });
  assert.equal(parseWhiteout("foo.wh.bar"), undefined);
});
