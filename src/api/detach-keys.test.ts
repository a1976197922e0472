import assert from "node:assert/strict";
import { test } from "node:test";
import { detachMatcher, parseDetachKeys } from "./detach-keys.js";

test("detach key specs", () => {
  assert.deepEqual(parseDetachKeys("ctrl-p,ctrl-q"), [16, 17]);
  assert.deepEqual(parseDetachKeys("ctrl-a,x"), [1, 120]);
  assert.deepEqual(parseDetachKeys("ctrl-@,ctrl-_"), [0, 31]);
  assert.throws(() => parseDetachKeys("ctrl-1"), /Invalid detach keys/);
  assert.throws(() => parseDetachKeys("alt-x"), /Invalid detach keys/);
});

test("the sequence detaches, even split across chunks; other bytes pass", () => {
  const m = detachMatcher("ctrl-p,ctrl-q");
  assert.deepEqual(m(Buffer.from("ls\n")), { pass: Buffer.from("ls\n"), detached: false });
  const a = m(Buffer.from([0x61, 0x10]));
  assert.deepEqual(a, { pass: Buffer.from("a"), detached: false });
  assert.deepEqual(m(Buffer.from([0x11])), { pass: Buffer.alloc(0), detached: true });
});

test("a broken partial match is passed on", () => {
  const m = detachMatcher("ctrl-p,ctrl-q");
  assert.deepEqual(m(Buffer.from([0x10, 0x61])), { pass: Buffer.from([0x10, 0x61]), detached: false });
  assert.deepEqual(m(Buffer.from([0x10, 0x10, 0x11])), { pass: Buffer.from([0x10]), detached: true });
});
