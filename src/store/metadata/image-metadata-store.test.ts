import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FailedPreconditionError } from "../../errors/index.js";
import { ImageMetadataStore } from "./image-metadata-store.js";
import type { ImageRecord } from "./image-record.js";

const d = (c: string) => "sha256:" + c.repeat(64);

function record(id: string, chain: string[]): ImageRecord {
  return {
    id,
    configMediaType: "application/vnd.oci.image.config.v1+json",
    configSize: 10,
    manifestDigest: d("f"),
    manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
    manifestSize: 20,
    layers: chain.map((c) => ({ blobDigest: c, blobMediaType: "application/vnd.oci.image.layer.v1.tar", blobSize: 1, diffId: c, chainId: c, size: 1 })),
    created: "2024-01-01T00:00:00Z",
    parent: "",
    recordedAt: "2024-01-01T00:00:00Z",
  };
}

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), "berth-meta-"));
  try {
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test("records and references persist across reopen; tags move", () =>
  withRoot(async (root) => {
    const s = await ImageMetadataStore.open(root);
    await s.putImage(record(d("a"), [d("1")]), ["docker.io/library/a:latest"]);
    await s.putImage(record(d("b"), [d("1"), d("2")]), ["docker.io/library/b:latest"]);
    await s.setReferences(["docker.io/library/a:latest"], d("b"));
    const again = await ImageMetadataStore.open(root);
    assert.deepEqual(again.referencesTo(d("b")), ["docker.io/library/a:latest", "docker.io/library/b:latest"]);
    assert.deepEqual(again.referencesTo(d("a")), []);
    assert.deepEqual([...again.chainIdsInUse(d("a"))].sort(), [d("1"), d("2")]);
    assert.ok(again.blobsInUse().has(d("f")));
    assert.deepEqual(await again.deleteImage(d("b")), ["docker.io/library/a:latest", "docker.io/library/b:latest"]);
    assert.deepEqual([...(await ImageMetadataStore.open(root)).chainIdsInUse()], [d("1")]);
  }));

test("a reference to a missing record (crash between writes) is dropped on open", () =>
  withRoot(async (root) => {
    const s = await ImageMetadataStore.open(root);
    await s.putImage(record(d("a"), []), ["docker.io/library/a:latest"]);
    await rm(s.paths.recordFile(d("a")));
    await writeFile(path.join(s.paths.recordsDir(), ".tmp-x.json-123"), "{torn"); // an interrupted temp file
    const again = await ImageMetadataStore.open(root);
    assert.equal(again.resolveReference("docker.io/library/a:latest"), undefined);
    assert.deepEqual(JSON.parse(await readFile(again.paths.referencesFile(), "utf8")).references, {});
    assert.ok((await readdir(again.paths.recordsDir())).length >= 1);
  }));

test("concurrent writers do not lose references", () =>
  withRoot(async (root) => {
    const s = await ImageMetadataStore.open(root);
    await s.putImage(record(d("a"), []));
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.setReferences([`docker.io/library/t:${i}`], d("a"))));
    assert.equal((await ImageMetadataStore.open(root)).referencesTo(d("a")).length, 20);
  }));

test("an unknown layout version is refused", () =>
  withRoot(async (root) => {
    const s = await ImageMetadataStore.open(root);
    await writeFile(s.paths.layoutFile(), JSON.stringify({ version: 99 }));
    await assert.rejects(ImageMetadataStore.open(root), FailedPreconditionError);
  }));
