/**
 * Conformance suite for ContentStore (containerd core/content/testsuite).
 *
 * Every implementation — the local store, an in-memory fake, a remote client —
 * runs these tests through `runContentStoreSuite(name, factory)`; an
 * implementation is done when the suite passes. The factory gives a fresh,
 * empty store per test and a cleanup to call afterwards.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { ContentStore } from "../../src/store/content/content-store.js";
import { InvalidArgumentError, NotFoundError } from "../../src/errors/index.js";

export interface ContentStoreFixture {
  store: ContentStore;
  cleanup(): Promise<void>;
}

const digestOf = (b: Uint8Array): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function collect(src: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of src) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function listAll(store: ContentStore): Promise<string[]> {
  const out: string[] = [];
  for await (const d of store.list()) out.push(d);
  return out.sort();
}

/** A stream that yields `data` in small chunks, asynchronously, to exercise backpressure paths. */
function chunked(data: Buffer, size = 1000): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < data.length; i += size) {
        await new Promise((r) => setImmediate(r));
        yield data.subarray(i, i + size);
      }
    })(),
  );
}

export function runContentStoreSuite(name: string, factory: () => Promise<ContentStoreFixture>): void {
  async function withStore(fn: (s: ContentStore) => Promise<void>): Promise<void> {
    const fx = await factory();
    try {
      await fn(fx.store);
    } finally {
      await fx.cleanup();
    }
  }

  describe(`ContentStore conformance: ${name}`, () => {
    it("ingests a stream and reads it back", () =>
      withStore(async (s) => {
        const data = randomBytes(300_000);
        const info = await s.ingest(chunked(data));
        assert.deepEqual(info, { digest: digestOf(data), size: data.length });
        assert.equal(await s.has(info.digest), true);
        assert.deepEqual(await s.info(info.digest), info);
        assert.deepEqual(await collect(await s.createReadStream(info.digest)), data);
        assert.deepEqual(await s.readBlob(info.digest), data);
        assert.deepEqual(await listAll(s), [info.digest]);
      }));

    it("accepts matching expected digest and size", () =>
      withStore(async (s) => {
        const data = Buffer.from("hello berth");
        const info = await s.ingest(chunked(data, 3), { digest: digestOf(data), size: data.length });
        assert.equal(info.digest, digestOf(data));
      }));

    it("keeps nothing on a digest mismatch", () =>
      withStore(async (s) => {
        const data = Buffer.from("the real bytes");
        const wrong = digestOf(Buffer.from("other bytes"));
        await assert.rejects(s.ingest(chunked(data, 4), { digest: wrong }), InvalidArgumentError);
        assert.equal(await s.has(wrong), false);
        assert.equal(await s.has(digestOf(data)), false);
        assert.deepEqual(await listAll(s), []);
      }));

    it("keeps nothing on a size mismatch (short and long)", () =>
      withStore(async (s) => {
        const data = Buffer.from("twelve bytes");
        await assert.rejects(s.ingest(chunked(data, 5), { size: data.length + 1 }), InvalidArgumentError);
        await assert.rejects(s.ingest(chunked(data, 5), { size: data.length - 1 }), InvalidArgumentError);
        assert.deepEqual(await listAll(s), []);
      }));

    it("keeps nothing when the source fails midway", () =>
      withStore(async (s) => {
        const failing = Readable.from(
          (async function* () {
            yield Buffer.from("partial");
            throw new Error("connection reset");
          })(),
        );
        await assert.rejects(s.ingest(failing), /connection reset/);
        assert.deepEqual(await listAll(s), []);
      }));

    it("rejects malformed digests everywhere (path traversal guard)", () =>
      withStore(async (s) => {
        const bad = [
          "sha256:../../etc/passwd",
          "sha256:" + "A".repeat(64),
          "sha256:" + "a".repeat(63),
          "sha512:" + "a".repeat(64),
          "sha256:" + "a".repeat(63) + "/",
          "",
          "a".repeat(64),
        ];
        for (const d of bad) {
          assert.throws(() => s.blobPath(d), InvalidArgumentError, d);
          await assert.rejects(s.info(d), InvalidArgumentError, d);
          await assert.rejects(s.has(d), InvalidArgumentError, d);
          await assert.rejects(s.createReadStream(d), InvalidArgumentError, d);
          await assert.rejects(s.delete(d), InvalidArgumentError, d);
          await assert.rejects(s.ingest(Readable.from([Buffer.from("x")]), { digest: d }), InvalidArgumentError, d);
        }
      }));

    it("reports absent blobs as NotFoundError", () =>
      withStore(async (s) => {
        const d = digestOf(Buffer.from("absent"));
        assert.equal(await s.has(d), false);
        await assert.rejects(s.info(d), NotFoundError);
        await assert.rejects(s.createReadStream(d), NotFoundError);
        await assert.rejects(s.readBlob(d), NotFoundError);
        await s.delete(d); // no error
      }));

    it("writeBlob stores small documents and checks the expected digest", () =>
      withStore(async (s) => {
        const doc = JSON.stringify({ schemaVersion: 2 });
        const info = await s.writeBlob(doc);
        assert.equal(info.digest, digestOf(Buffer.from(doc)));
        assert.equal((await s.readBlob(info.digest)).toString(), doc);
        await assert.rejects(s.writeBlob("tampered", info.digest), InvalidArgumentError);
        assert.equal((await s.readBlob(info.digest)).toString(), doc);
      }));

    it("readBlob refuses blobs over maxBytes", () =>
      withStore(async (s) => {
        const info = await s.writeBlob(randomBytes(2048));
        await assert.rejects(s.readBlob(info.digest, 1024), InvalidArgumentError);
        assert.equal((await s.readBlob(info.digest, 2048)).length, 2048);
      }));

    it("re-ingesting an existing blob returns its info and drains the source", () =>
      withStore(async (s) => {
        const data = randomBytes(50_000);
        const first = await s.ingest(chunked(data));
        const src = chunked(data);
        const again = await s.ingest(src, { digest: first.digest });
        assert.deepEqual(again, first);
        const againUnannounced = await s.ingest(chunked(data));
        assert.deepEqual(againUnannounced, first);
        assert.deepEqual(await listAll(s), [first.digest]);
      }));

    it("concurrent ingests of the same blob all succeed and leave one intact blob", () =>
      withStore(async (s) => {
        const data = randomBytes(200_000);
        const results = await Promise.all(Array.from({ length: 8 }, () => s.ingest(chunked(data, 7000))));
        for (const r of results) assert.deepEqual(r, { digest: digestOf(data), size: data.length });
        assert.deepEqual(await s.readBlob(digestOf(data)), data);
        assert.deepEqual(await listAll(s), [digestOf(data)]);
      }));

    it("concurrent ingests of different blobs are all listed", () =>
      withStore(async (s) => {
        const blobs = Array.from({ length: 10 }, (_, i) => randomBytes(1000 + i));
        await Promise.all(blobs.map((b) => s.ingest(chunked(b, 100))));
        assert.deepEqual(await listAll(s), blobs.map(digestOf).sort());
      }));

    it("delete removes the blob", () =>
      withStore(async (s) => {
        const info = await s.writeBlob("bye");
        await s.delete(info.digest);
        assert.equal(await s.has(info.digest), false);
        assert.deepEqual(await listAll(s), []);
      }));

    it("ingests an empty blob", () =>
      withStore(async (s) => {
        const info = await s.ingest(Readable.from([]));
        assert.deepEqual(info, { digest: digestOf(Buffer.alloc(0)), size: 0 });
        assert.equal((await s.readBlob(info.digest)).length, 0);
      }));
  });
}
