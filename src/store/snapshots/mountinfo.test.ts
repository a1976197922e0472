import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMountPoints } from "./mountinfo.js";
import { overlayMountData } from "./overlay-options.js";

test("parseMountPoints unescapes octal sequences", () => {
  const info = [
    "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
    "95 22 0:52 / /tmp/with\\040space rw - overlay overlay rw,lowerdir=a",
  ].join("\n");
  assert.deepEqual(parseMountPoints(info), ["/", "/tmp/with space"]);
});

test("overlayMountData lists lowers topmost first in one option string", () => {
  assert.equal(
    overlayMountData({ lowers: ["b/diff", "a/diff"], upper: "../s/k/upper", work: "../s/k/work" }),
    "lowerdir=b/diff:a/diff,upperdir=../s/k/upper,workdir=../s/k/work",
  );
});

test("overlayMountData adds volatile only when asked", () => {
  const dirs = { lowers: ["a/diff"], upper: "u", work: "w" };
  assert.equal(overlayMountData(dirs, true), "lowerdir=a/diff,upperdir=u,workdir=w,volatile");
  assert.equal(overlayMountData(dirs), "lowerdir=a/diff,upperdir=u,workdir=w");
});
