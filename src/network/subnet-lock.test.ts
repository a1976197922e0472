import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { withSubnetLock } from "./subnet-lock.js";

test("holders run one at a time; a dead holder's lock is taken over", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sl-"));
  const file = path.join(dir, "lock");
  try {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withSubnetLock(async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }, file),
      ),
    );
    assert.equal(most, 1);
    await fs.writeFile(file, "999999999"); // no such pid
    assert.equal(await withSubnetLock(async () => "taken over", file), "taken over");
    await assert.rejects(fs.access(file), "released afterwards");
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
