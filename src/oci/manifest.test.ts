import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors/index.js";
import { MediaType } from "./media-types.js";
import { parseImageIndex, parseImageManifest, parseManifestDocument, MAX_MANIFEST_BYTES } from "./manifest.js";
import { parseImageConfig } from "./image-config.js";
import { isDigest, parseDigest, sha256Digest, shortId } from "./digest.js";
import { goArch, platformMatches, selectPlatform } from "./platform.js";

const D1 = "sha256:" + "1".repeat(64);
const D2 = "sha256:" + "2".repeat(64);
const isInvalid = (re: RegExp) => (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message);

const manifest = {
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: { mediaType: MediaType.ociConfig, digest: D1, size: 10 },
  layers: [{ mediaType: MediaType.ociLayerGzip, digest: D2, size: 20 }],
};

test("parses an OCI manifest", () => {
  const m = parseImageManifest(JSON.stringify(manifest));
  assert.equal(m.config.digest, D1);
  assert.equal(m.layers[0]!.mediaType, MediaType.ociLayerGzip);
});

test("parses a Docker schema2 manifest and infers OCI types when mediaType is missing", () => {
  const docker = {
    ...manifest,
    mediaType: MediaType.dockerManifest,
    config: { ...manifest.config, mediaType: MediaType.dockerConfig },
    layers: [{ mediaType: MediaType.dockerLayerGzip, digest: D2, size: 1 }],
  };
  assert.equal(parseImageManifest(JSON.stringify(docker)).mediaType, MediaType.dockerManifest);
  const { mediaType: _m, ...bare } = manifest;
  assert.equal(parseManifestDocument(JSON.stringify(bare)).kind, "manifest");
  assert.equal(parseManifestDocument(JSON.stringify({ schemaVersion: 2, manifests: [] })).kind, "index");
});

test("parses indexes with platforms and selects linux/amd64", () => {
  const idx = parseImageIndex(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifestList,
      manifests: [
        { mediaType: MediaType.dockerManifest, digest: D1, size: 1, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
        { mediaType: MediaType.dockerManifest, digest: D2, size: 1, platform: { os: "linux", architecture: "amd64" } },
      ],
    }),
  );
  assert.equal(selectPlatform(idx.manifests, { os: "linux", architecture: "amd64" })?.digest, D2);
  assert.equal(selectPlatform(idx.manifests, { os: "linux", architecture: "arm64" })?.digest, D1);
  assert.equal(selectPlatform(idx.manifests, { os: "windows", architecture: "amd64" }), undefined);
});

const hostile: Array<[string, unknown, RegExp]> = [
  ["not JSON", "{", /not valid JSON/],
  ["array", [], /top level must be an object/],
  ["schema 1", { ...manifest, schemaVersion: 1 }, /schemaVersion must be 2/],
  ["bad digest", { ...manifest, config: { ...manifest.config, digest: "sha256:zz" } }, /is not sha256/],
  ["upper-case digest", { ...manifest, config: { ...manifest.config, digest: "sha256:" + "A".repeat(64) } }, /is not sha256/],
  ["negative size", { ...manifest, config: { ...manifest.config, size: -1 } }, /size must be a non-negative integer/],
  ["string size", { ...manifest, config: { ...manifest.config, size: "10" } }, /size must be/],
  ["fraction size", { ...manifest, config: { ...manifest.config, size: 1.5 } }, /size must be/],
  ["layers not array", { ...manifest, layers: {} }, /layers must be an array/],
  ["layer not object", { ...manifest, layers: [42] }, /must be an object/],
  ["unknown layer type", { ...manifest, layers: [{ mediaType: "text/plain", digest: D2, size: 1 }] }, /unsupported media type/],
  ["artifact config", { ...manifest, config: { ...manifest.config, mediaType: "application/x" } }, /not an image config/],
  ["mixed", { ...manifest, manifests: [] }, /must not have manifests/],
  ["bad annotations", { ...manifest, annotations: { a: 1 } }, /annotations must be a map of strings/],
  ["unknown media type", { ...manifest, mediaType: "application/json" }, /unsupported media type/],
  ["too many layers", { ...manifest, layers: Array(1025).fill(manifest.layers[0]) }, /more than 1024 layers/],
];
for (const [name, doc, re] of hostile) {
  test(`rejects manifest: ${name}`, () => {
    assert.throws(() => parseManifestDocument(typeof doc === "string" ? doc : JSON.stringify(doc)), isInvalid(re));
  });
}

test("rejects oversized manifests before parsing", () => {
  const big = Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20);
  assert.throws(() => parseManifestDocument(big), isInvalid(/exceeds the limit/));
});

test("rejects mismatched expected media type", () => {
  assert.throws(() => parseManifestDocument(JSON.stringify(manifest), MediaType.dockerManifest), isInvalid(/does not match/));
});

const config = {
  architecture: "amd64",
  os: "linux",
  config: { Env: ["A=b"], Cmd: ["sh"], Entrypoint: null, Labels: { x: "y" }, Custom: 1 },
  rootfs: { type: "layers", diff_ids: [D1] },
  history: [{ created: "2024-01-01T00:00:00Z", comment: "Imported from -" }],
  docker_version: "x",
};

test("parses configs and keeps unknown fields", () => {
  const c = parseImageConfig(JSON.stringify(config));
  assert.deepEqual(c.config?.Cmd, ["sh"]);
  assert.equal(c.config?.Entrypoint, null);
  assert.equal(c["docker_version"], "x");
  assert.equal((c.config as Record<string, unknown>)["Custom"], 1);
});

const hostileConfigs: Array<[string, unknown, RegExp]> = [
  ["no rootfs", { ...config, rootfs: undefined }, /rootfs is missing/],
  ["wrong rootfs type", { ...config, rootfs: { type: "x", diff_ids: [] } }, /rootfs.type/],
  ["bad diff id", { ...config, rootfs: { type: "layers", diff_ids: ["nope"] } }, /diff_id/],
  ["Env not strings", { ...config, config: { Env: [1] } }, /Env must be an array of strings/],
  ["Cmd string", { ...config, config: { Cmd: "sh" } }, /Cmd must be an array of strings/],
  ["no os", { ...config, os: undefined }, /os is missing/],
  ["bad date", { ...config, created: "yesterday" }, /created is not a valid date/],
  ["history too long", { ...config, history: [{}, {}] }, /too many non-empty layers/],
];
for (const [name, doc, re] of hostileConfigs) {
  test(`rejects config: ${name}`, () => {
    assert.throws(() => parseImageConfig(JSON.stringify(doc)), isInvalid(re));
  });
}

test("digests", () => {
  assert.equal(sha256Digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.ok(isDigest(D1));
  assert.ok(!isDigest("sha256:" + "1".repeat(63)));
  assert.ok(!isDigest(42));
  assert.throws(() => parseDigest("sha512:" + "1".repeat(64)), InvalidArgumentError);
  assert.equal(shortId(D1), "111111111111");
});

test("platforms", () => {
  assert.equal(goArch("x64"), "amd64");
  assert.equal(goArch("arm64"), "arm64");
  assert.ok(platformMatches({ os: "linux", architecture: "arm64" }, { os: "linux", architecture: "aarch64", variant: "v8" }));
  assert.ok(!platformMatches({ os: "linux", architecture: "arm", variant: "v7" }, { os: "linux", architecture: "arm", variant: "v6" }));
});
