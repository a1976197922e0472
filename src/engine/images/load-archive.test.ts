import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { InvalidArgumentError } from "../../errors/index.js";
import { sha256Digest } from "../../oci/digest.js";
import { createImageEnv, gzip, makeTar, rootfsFiles, type TarFile } from "../../../test/fixtures/images/image-env.js";

async function legacyArchive(opts: { diffId?: string; layerName?: string; config?: string; compress?: boolean } = {}): Promise<TarFile[]> {
  const layer = await makeTar(rootfsFiles("legacy"));
  const config =
    opts.config ??
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: "2024-01-02T03:04:05Z",
      history: [{ created: "2024-01-02T03:04:05Z", comment: "Imported from -" }],
      rootfs: { type: "layers", diff_ids: [opts.diffId ?? sha256Digest(layer)] },
    });
  const cfgHex = sha256Digest(config).slice(7);
  return [
    { name: "abc/", type: "directory" },
    { name: "abc/VERSION", body: "1.0" },
    { name: "abc/json", body: "{}" },
    { name: "abc/layer.tar", body: opts.compress ? gzip(layer) : layer },
    { name: `${cfgHex}.json`, body: config },
    { name: "manifest.json", body: JSON.stringify([{ Config: `${cfgHex}.json`, RepoTags: ["legacy:1"], Layers: [opts.layerName ?? "abc/layer.tar"] }]) },
    { name: "repositories", body: JSON.stringify({ legacy: { "1": "abc" } }) },
  ];
}

test("loads a Docker < 25 docker-archive, plain and gzip layers", async () => {
  await using env = await createImageEnv();
  for (const compress of [false, true]) {
    const out = await env.images.load(Readable.from([await makeTar(await legacyArchive({ compress }))]));
    assert.deepEqual(out, [{ stream: "Loaded image: legacy:1" }]);
    const img = await env.images.get("legacy:1");
    assert.equal(img.created.toISOString(), "2024-01-02T03:04:05.000Z");
    assert.deepEqual((await env.images.history("legacy:1"))[0]!.Tags, ["legacy:1"]);
  }
});

test("loads a symlinked layer inside the archive and a gzipped archive", async () => {
  await using env = await createImageEnv();
  const files = await legacyArchive({ layerName: "def/layer.tar" });
  files.push({ name: "def/layer.tar", type: "symlink", linkname: "../abc/layer.tar" });
  const out = await env.images.load(Readable.from([gzip(await makeTar(files))]));
  assert.deepEqual(out, [{ stream: "Loaded image: legacy:1" }]);
});

const hostile: Array<[string, () => Promise<Buffer>, RegExp]> = [
  ["../ entry", async () => makeTar([{ name: "../evil", body: "x" }]), /path escapes the archive/],
  ["absolute entry", async () => makeTar([{ name: "/etc/evil", body: "x" }]), /absolute path/],
  ["nested ../", async () => makeTar([{ name: "a/../../evil", body: "x" }]), /path escapes/],
  ["escaping symlink", async () => makeTar([...(await legacyArchive({ layerName: "x/layer.tar" })), { name: "x/layer.tar", type: "symlink", linkname: "../../etc/passwd" }]), /link target escapes/],
  ["oversized manifest.json", async () => makeTar([{ name: "manifest.json", body: Buffer.alloc(4 * 1024 * 1024 + 1, 0x20) }]), /manifest.json in the archive is larger than/],
  ["config that does not parse", async () => makeTar(await legacyArchive({ config: "{not json" })), /invalid archive: config .*not valid JSON/],
  ["config without rootfs", async () => makeTar(await legacyArchive({ config: JSON.stringify({ architecture: "amd64", os: "linux" }) })), /rootfs is missing/],
  ["missing layer", async () => makeTar(await legacyArchive({ layerName: "gone/layer.tar" })), /layer "gone\/layer.tar" is missing from the archive/],
  ["blob digest mismatch", async () => makeTar([{ name: `blobs/sha256/${"0".repeat(64)}`, body: "not that" }]), /blobs\/sha256\/0+: .*does not match/],
  ["diff ID mismatch", async () => makeTar(await legacyArchive({ diffId: sha256Digest("other") })), /diff/i],
  ["not a tar", async () => Buffer.from("this is not a tar archive at all".repeat(40)), /invalid tar archive|neither manifest.json nor index.json/],
  ["empty archive", async () => makeTar([{ name: "hello.txt", body: "x" }]), /neither manifest.json nor index.json/],
  ["manifest.json not an array", async () => makeTar([{ name: "manifest.json", body: "{}" }]), /manifest.json must be an array/],
  ["bad RepoTag", async () => makeTar([{ name: "manifest.json", body: JSON.stringify([{ Config: "c.json", RepoTags: ["UPPER"], Layers: [] }]) }, { name: "c.json", body: JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }) }]), /RepoTag "UPPER"/],
  ["index.json without oci-layout", async () => makeTar([{ name: "index.json", body: JSON.stringify({ schemaVersion: 2, manifests: [] }) }]), /oci-layout is missing/],
  ["index naming a missing manifest", async () => makeTar([{ name: "oci-layout", body: '{"imageLayoutVersion":"1.0.0"}' }, { name: "index.json", body: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256Digest("x"), size: 1 }] }) }]), /manifest "blobs\/sha256\/.*" is missing/],
];

for (const [name, build, message] of hostile) {
  test(`load refuses a hostile archive: ${name}`, async () => {
    await using env = await createImageEnv();
    await assert.rejects(env.images.load(Readable.from([await build()])), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(e)}`);
      assert.match(e.message, message);
      return true;
    });
    assert.deepEqual(await env.images.list({ all: true }), [], "nothing registered");
    assert.deepEqual(await env.layers.listLayers(), [], "no layer left behind");
  });
}
