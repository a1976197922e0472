import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCpOperand, planCopy } from "./cp-args.js";
import { targetPath } from "./tar-extract.js";

test("cp operands: container:path, local paths, '-'", () => {
  assert.deepEqual(parseCpOperand("box:/etc/hostname"), { kind: "container", container: "box", path: "/etc/hostname" });
  assert.deepEqual(parseCpOperand("box:rel/path"), { kind: "container", container: "box", path: "rel/path" });
  assert.deepEqual(parseCpOperand("/abs/with:colon"), { kind: "local", path: "/abs/with:colon" });
  assert.deepEqual(parseCpOperand("./a:b"), { kind: "local", path: "./a:b" });
  assert.deepEqual(parseCpOperand("file.txt"), { kind: "local", path: "file.txt" });
  assert.deepEqual(parseCpOperand("-"), { kind: "stream" });
});

test("cp plans: exactly one container side", () => {
  assert.deepEqual(planCopy("box:/x", "-"), { direction: "from-container", container: "box", path: "/x", dest: { kind: "stream" } });
  assert.deepEqual(planCopy("-", "box:/tmp"), { direction: "to-container", container: "box", path: "/tmp", source: { kind: "stream" } });
  assert.throws(() => planCopy("a:/x", "b:/y"), /copying between containers is not supported/);
  assert.throws(() => planCopy("x", "y"), /must specify at least one container source/);
  assert.throws(() => planCopy("box:", "y"), /source can not be empty/);
});

test("extraction targets stay under the destination and follow the rename", () => {
  assert.equal(targetPath("hostname", { baseDir: "/dst", rename: "out" }), "/dst/out");
  assert.equal(targetPath("d/sub/f", { baseDir: "/dst", rename: "back" }), "/dst/back/sub/f");
  assert.equal(targetPath("/d/f", { baseDir: "/dst" }), "/dst/d/f");
  assert.throws(() => targetPath("d/../../etc/passwd", { baseDir: "/dst" }), /escapes/);
});
