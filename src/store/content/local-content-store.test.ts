import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { runContentStoreSuite } from "../../../test/suites/content-store-suite.js";
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
