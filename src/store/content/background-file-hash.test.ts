import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { BackgroundFileHash, hashWorkerRunning, setHashWorkerIdleMs } from "./background-file-hash.js";

test("BackgroundFileHash follows a file as it is written (ranges in any order); the idle worker ends and a new job starts another", async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-bghash-"));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  setHashWorkerIdleMs(200);
  const file = path.join(dir, "blob");
  const fh = await fs.open(file, "w");
  const job = new BackgroundFileHash(file);
  const parts = [Buffer.alloc(3_000_000, 1), Buffer.alloc(5, 2), Buffer.alloc(1_500_000, 3)];
  const starts = [0, parts[0]!.length, parts[0]!.length + parts[1]!.length];
  const off = starts[2]! + parts[2]!.length;
  // the later parts are written (and reported) first; until the first part is on disk the file
  // starts with a hole of zeros, which the worker must not hash
  for (const i of [2, 1]) {
    await fh.write(parts[i]!, 0, parts[i]!.length, starts[i]!);
    job.written(starts[i]!, starts[i]! + parts[i]!.length);
  }
  await sleep(100);
  await fh.write(parts[0]!, 0, parts[0]!.length, 0);
  job.written(0, parts[0]!.length);
  await fh.close();
  const want = createHash("sha256").update(Buffer.concat(parts)).digest("hex");
  assert.equal(await job.finish(off), want);
  assert.ok(hashWorkerRunning());
  await sleep(600);
  assert.equal(hashWorkerRunning(), false, "ended after being idle");
  const again = new BackgroundFileHash(file);
  assert.equal(await again.finish(off), want, "a new worker serves the next job");
});

test("BackgroundFileHash: a missing file or a short one is an error, a cancelled job never settles into a digest", async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-bghash-"));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  await assert.rejects(new BackgroundFileHash(path.join(dir, "absent")).finish(10), /hashing failed: ENOENT/);
  const file = path.join(dir, "short");
  await fs.writeFile(file, "abc");
  await assert.rejects(new BackgroundFileHash(file).finish(10), /file ended at 3 bytes/);
  const job = new BackgroundFileHash(file);
  job.cancel();
  job.cancel(); // twice is harmless
});
