import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { FileWriteQueue } from "./file-write-queue.js";

test("FileWriteQueue runs at most `limit` writes at once and drain waits for all of them", async () => {
  const q = new FileWriteQueue(3);
  let running = 0;
  let peak = 0;
  const done: string[] = [];
  for (let i = 0; i < 10; i++) {
    await q.add(`/f${i}`, async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(5);
      running--;
      done.push(`/f${i}`);
    });
  }
  await q.drain();
  assert.equal(peak, 3);
  assert.equal(done.length, 10);
});

test("FileWriteQueue: a second write of the same file starts after the first ends; settle waits for it", async () => {
  const q = new FileWriteQueue(4);
  const log: string[] = [];
  await q.add("/same", async () => {
    log.push("first start");
    await sleep(10);
    log.push("first end");
  });
  await q.add("/same", async () => {
    log.push("second start");
  });
  await q.settle("/same");
  assert.deepEqual(log, ["first start", "first end", "second start"]);
});

test("FileWriteQueue: a failed write fails drain and the next add", async () => {
  const q = new FileWriteQueue(2);
  await q.add("/bad", async () => {
    throw new Error("disk full");
  });
  await assert.rejects(q.drain(), /disk full/);
  await assert.rejects(q.add("/next", async () => {}), /disk full/);
});
