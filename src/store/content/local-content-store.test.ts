import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { runContentStoreSuite } from "../../../test/suites/content-store-suite.js";
import { NotFoundError } from "../../errors/index.js";
import { LocalContentStore } from "./local-content-store.js";

runContentStoreSuite("LocalContentStore", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "berth-content-"));
  return { store: new LocalContentStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

test("LocalContentStore: layout and no ingest leftovers after failures", async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), "berth-content-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const s = new LocalContentStore(root);
  const info = await s.writeBlob("abc");
  assert.equal(s.blobPath(info.digest), path.join(root, "blobs", "sha256", info.digest.slice(7)));
  assert.equal((await stat(s.blobPath(info.digest))).mode & 0o777, 0o444);
  await assert.rejects(s.ingest(Readable.from([Buffer.from("x")]), { size: 5 }));
  await assert.rejects(s.writeBlob("y", info.digest));
  assert.deepEqual(await readdir(path.join(root, "ingest")), []);
});

test("LocalContentStore: groups of pieces are written in order (one writev each) with the digest of their concatenation", async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), "berth-content-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const s = new LocalContentStore(root);
  const pieces = Array.from({ length: 300 }, (_, i) => Buffer.alloc(1 + (i % 7) * 1000, i & 255));
  async function* groups() {
    yield pieces.slice(0, 1);
    yield pieces.slice(1, 200);
    yield pieces[200]!; // a single piece mixed in
    yield pieces.slice(201);
  }
  const whole = Buffer.concat(pieces);
  const info = await s.ingest(groups());
  const plain = await s.writeBlob(whole);
  assert.deepEqual(info, plain, "same digest and size as the bytes in one piece");
  assert.ok((await s.readBlob(info.digest)).equals(whole), "the bytes are on disk in order");
  await assert.rejects(s.ingest(groups(), { size: whole.length - 1 }), /larger than the expected/, "the size bound counts every piece of a group");
  assert.deepEqual(await readdir(path.join(root, "ingest")), []);
});

test("LocalContentStore: hashOffThread gives the same digest (several at once), and a failed ingest leaves nothing", async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), "berth-content-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const s = new LocalContentStore(root);
  const blobs = [0, 1, 2].map((k) => Array.from({ length: 40 }, (_, i) => Buffer.alloc(70_000 + k * 13 + i, (i * 7 + k) & 255)));
  const infos = await Promise.all(
    blobs.map((pieces) =>
      s.ingest(
        (async function* () {
          for (let i = 0; i < pieces.length; i += 5) yield pieces.slice(i, i + 5);
        })(),
        {},
        { hashOffThread: true },
      ),
    ),
  );
  for (const [k, pieces] of blobs.entries()) {
    const whole = Buffer.concat(pieces);
    assert.equal(infos[k]!.digest, `sha256:${createHash("sha256").update(whole).digest("hex")}`, "the worker read the written bytes back in full");
    assert.equal(infos[k]!.size, whole.length);
  }
  const failing = (async function* () {
    yield Buffer.alloc(100_000, 1);
    throw new Error("source broke");
  })();
  await assert.rejects(s.ingest(failing, {}, { hashOffThread: true }), /source broke/);
  await assert.rejects(s.ingest(Readable.from([Buffer.alloc(10, 2)]), { digest: `sha256:${"0".repeat(64)}` }, { hashOffThread: true }), /does not match/);
  assert.deepEqual(await readdir(path.join(root, "ingest")), []);
});

test("LocalContentStore cacheSmallBlobs: reads come from memory, are copies, and a deleted blob is gone", async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), "berth-content-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const s = new LocalContentStore(root, { cacheSmallBlobs: true });
  const info = await s.writeBlob('{"config":{}}');
  const first = await s.readBlob(info.digest);
  await rm(s.blobPath(info.digest), { force: true }); // behind the store's back: only the cache can answer now
  const second = await s.readBlob(info.digest);
  assert.ok(second.equals(first), "served from memory");
  second.fill(0);
  assert.ok((await s.readBlob(info.digest)).equals(first), "callers get copies: changing one does not change the cache");
  await assert.rejects(s.readBlob(info.digest, 3), /more than the 3 allowed/, "the size bound still holds for a cached blob");
  await s.delete(info.digest);
  await assert.rejects(s.readBlob(info.digest), NotFoundError, "delete evicts");
  const plain = new LocalContentStore(root);
  const other = await plain.writeBlob("x");
  await plain.readBlob(other.digest);
  await rm(plain.blobPath(other.digest));
  await assert.rejects(plain.readBlob(other.digest), NotFoundError, "without the option nothing is cached");
});
