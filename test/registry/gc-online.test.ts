/**
 * GC while the server runs (gc.ts's rule): with grace 0, a GC racing with a
 * push whose blobs are uploaded and whose manifest arrives during the GC
 * either keeps the blobs (the PUT succeeds and everything it names is served)
 * or makes the PUT fail cleanly with MANIFEST_BLOB_UNKNOWN — never a stored
 * manifest that references a missing blob. Also: pending PUT records keep
 * their blobs, a blob relinked during the sweep is kept, a second GC is
 * refused, and the trash left by a crashed GC is restored.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sha256Digest } from "../../src/oci/digest.js";
import { collectGarbage } from "../../src/registry/server/gc.js";
import { checkManifest } from "../../src/registry/server/manifest-check.js";
import { errorCode, pushBlob, pushImage, putManifest, startTestRegistry, type TestRegistry } from "./helpers.js";

function imageDoc(cfg: Buffer, layer: Buffer): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256Digest(cfg), size: cfg.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha256Digest(layer), size: layer.length }],
  };
}

/** Every revision of every repository: its bytes and everything it references are in the store. */
async function checkConsistent(reg: TestRegistry): Promise<number> {
  const { repos, content } = reg.stores;
  let revisions = 0;
  for (const name of await repos.catalog()) {
    for (const tag of await repos.listTags(name)) {
      const d = await repos.readTag(name, tag);
      assert.ok(d && (await repos.getRevision(name, d)), `tag ${name}:${tag} names a stored revision`);
    }
    for (const digest of await repos.listRevisions(name)) {
      const rev = await repos.getRevision(name, digest);
      assert.ok(rev, `revision ${name}@${digest} has its bytes`);
      const m = checkManifest(await content.readBlob(digest), rev.mediaType);
      for (const b of m.blobs) assert.ok(await content.has(b.digest), `${name}@${digest} references ${b.digest}, which must exist`);
      revisions++;
    }
  }
  return revisions;
}

describe("registry gc while serving", () => {
  let reg: TestRegistry;
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "berth-registry-gc-online-"));
    reg = await startTestRegistry({ root });
  });
  after(async () => {
    await reg.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  test("a manifest PUT that arrives after its blobs were moved aside fails cleanly, and a re-push works", async () => {
    const cfg = Buffer.from('{"architecture":"amd64","os":"linux","n":"aside"}');
    const layer = Buffer.from("layer aside");
    await pushBlob(reg.url, "race/aside", cfg);
    await pushBlob(reg.url, "race/aside", layer);
    let put: Response | undefined;
    const r = await collectGarbage(root, { graceMs: 0, afterTrash: async () => void (put = await putManifest(reg.url, "race/aside", "v1", imageDoc(cfg, layer))) });
    assert.equal(r.online, true);
    assert.equal(put!.status, 400);
    assert.equal(await errorCode(put!), "MANIFEST_BLOB_UNKNOWN");
    assert.ok(r.deleted.includes(sha256Digest(cfg)));
    assert.equal((await fetch(`${reg.url}/v2/race/aside/manifests/v1`)).status, 404, "nothing of the refused PUT was stored");
    // The client's retry: HEAD says unknown, it uploads again, then PUTs.
    assert.equal((await fetch(`${reg.url}/v2/race/aside/blobs/${sha256Digest(cfg)}`, { method: "HEAD" })).status, 404);
    await pushBlob(reg.url, "race/aside", cfg);
    await pushBlob(reg.url, "race/aside", layer);
    assert.equal((await putManifest(reg.url, "race/aside", "v1", imageDoc(cfg, layer))).status, 201);
    await checkConsistent(reg);
  });

  test("a pending PUT record keeps its blobs; a blob relinked during the sweep is kept", async () => {
    const a = await pushBlob(reg.url, "race/pending", "pending blob");
    const b = await pushBlob(reg.url, "race/pending", "relinked blob");
    const rec = path.join(root, "pending", "00000000-0000-4000-8000-000000000000.json");
    await fs.writeFile(rec, JSON.stringify({ digests: [a] }));
    const r = await collectGarbage(root, {
      graceMs: 0,
      afterTrash: async () => {
        // b is in the trash now; a client re-uploads it (POST ?digest= of a blob the store lacks).
        await pushBlob(reg.url, "race/pending", "relinked blob");
      },
    });
    await fs.rm(rec);
    assert.ok(!r.deleted.includes(a), "named by a pending record");
    assert.equal((await fetch(`${reg.url}/v2/race/pending/blobs/${a}`)).status, 200);
    assert.equal((await fetch(`${reg.url}/v2/race/pending/blobs/${b}`)).status, 200, "re-uploaded during the sweep");
    assert.equal(await fs.readdir(path.join(root, "gc", "trash")).then((l) => l.length), 0, "trash emptied");
  });

  test("gc with grace 0 racing with pushes: every PUT either succeeds with all blobs present or fails with MANIFEST_BLOB_UNKNOWN", async () => {
    let ok = 0;
    let refused = 0;
    for (let i = 0; i < 25; i++) {
      const cfg = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", i }));
      const layer = Buffer.from(`race layer ${i}`);
      const name = `race/r${i % 3}`;
      await pushBlob(reg.url, name, cfg);
      await pushBlob(reg.url, name, layer);
      const delay = (i * 7) % 11;
      const [gc, put] = await Promise.all([
        collectGarbage(root, { graceMs: 0 }),
        new Promise((r) => setTimeout(r, delay)).then(() => putManifest(reg.url, name, `t${i}`, imageDoc(cfg, layer))),
      ]);
      assert.equal(gc.online, true);
      if (put.status === 201) {
        ok++;
        assert.equal((await fetch(`${reg.url}/v2/${name}/manifests/t${i}`)).status, 200);
        for (const d of [sha256Digest(cfg), sha256Digest(layer)]) {
          assert.equal((await fetch(`${reg.url}/v2/${name}/blobs/${d}`)).status, 200, `iteration ${i}: blob ${d} of an accepted manifest`);
        }
      } else {
        refused++;
        assert.equal(put.status, 400);
        assert.equal(await errorCode(put), "MANIFEST_BLOB_UNKNOWN");
        assert.equal((await fetch(`${reg.url}/v2/${name}/manifests/t${i}`)).status, 404);
      }
    }
    assert.ok(ok + refused === 25);
    assert.ok((await checkConsistent(reg)) >= ok);
    // Everything accepted survives a further GC, online and offline.
    await collectGarbage(root, { graceMs: 0 });
    assert.ok((await checkConsistent(reg)) >= ok);
  });

  test("one GC at a time; trash left by a crashed GC is restored", async () => {
    const img = await pushImage(reg.url, "race/crash", "v1", {}, "crash");
    let second: Promise<unknown> | undefined;
    await collectGarbage(root, { graceMs: 0, afterTrash: async () => void (second = collectGarbage(root).catch((e: Error) => e)) });
    assert.match(String(await second), /another garbage collection/);

    // Simulate kill -9 between (a) and (c): a referenced blob sits in the trash.
    const layer = (img.doc["layers"] as { digest: string }[])[0]!.digest;
    await fs.mkdir(path.join(root, "gc", "trash"), { recursive: true });
    await fs.rename(reg.stores.content.blobPath(layer), path.join(root, "gc", "trash", layer.slice(7)));
    assert.equal((await fetch(`${reg.url}/v2/race/crash/blobs/${layer}`)).status, 404);
    const r = await collectGarbage(root, { graceMs: 0 });
    assert.ok(!r.deleted.includes(layer));
    assert.equal((await fetch(`${reg.url}/v2/race/crash/blobs/${layer}`)).status, 200, "restored by the next gc");
    await checkConsistent(reg);
  });
});
