/**
 * Interop with a real client: skopeo pushes a docker-archive (built here with
 * tar-stream: manifest.json + config + one layer) into `berth registry
 * serve`, inspects it, lists tags, copies it back out to an OCI layout, pushes
 * that as an OCI manifest to another repository, and deletes it.
 * Skipped when skopeo is not installed (Debian package `skopeo`).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import tar from "tar-stream";
import { startTestRegistry, type TestRegistry } from "./helpers.js";

const run = promisify(execFile);
const haveSkopeo = await run("skopeo", ["--version"]).then(
  () => true,
  () => false,
);

function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

async function tarOf(entries: { name: string; data: Buffer }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((r) => void pack.on("end", () => r()));
  for (const e of entries) pack.entry({ name: e.name, size: e.data.length, mode: 0o644, mtime: new Date(0) }, e.data);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function dockerArchive(file: string): Promise<{ layer: Buffer }> {
  const layer = await tarOf([{ name: "hello.txt", data: Buffer.from("hello from berth registry\n") }]);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Cmd: ["/hello"] },
      rootfs: { type: "layers", diff_ids: [`sha256:${sha256(layer)}`] },
      history: [{ created_by: "test" }],
    }),
  );
  const cfgName = `${sha256(config)}.json`;
  const layerName = `${sha256(layer)}/layer.tar`;
  const manifest = Buffer.from(JSON.stringify([{ Config: cfgName, RepoTags: ["x/y:1"], Layers: [layerName] }]));
  await fs.writeFile(file, await tarOf([
    { name: cfgName, data: config },
    { name: layerName, data: layer },
    { name: "manifest.json", data: manifest },
  ]));
  return { layer };
}

describe("skopeo against berth registry serve", { skip: !haveSkopeo && "skopeo is not installed (apt-get install skopeo)" }, () => {
  let reg: TestRegistry;
  let dir: string;
  let host: string;
  before(async () => {
    reg = await startTestRegistry();
    host = `127.0.0.1:${reg.port}`;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-skopeo-"));
  });
  after(async () => {
    await reg?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const skopeo = (args: string[]) => run("skopeo", ["--insecure-policy", ...args], { maxBuffer: 16 * 1024 * 1024 });

  test("copy docker-archive → registry → oci layout, inspect, list-tags, OCI push, delete", async () => {
    const archive = path.join(dir, "image.tar");
    const { layer } = await dockerArchive(archive);
    await skopeo(["copy", "--dest-tls-verify=false", `docker-archive:${archive}`, `docker://${host}/x/y:1`]);

    const insp = JSON.parse((await skopeo(["inspect", "--tls-verify=false", `docker://${host}/x/y:1`])).stdout) as { Digest: string; Layers: string[]; Os: string };
    assert.equal(insp.Os, "linux");
    assert.equal(insp.Layers.length, 1);
    const rawManifest = (await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${host}/x/y:1`])).stdout;
    assert.equal(`sha256:${sha256(Buffer.from(rawManifest))}`, insp.Digest);

    const tags = JSON.parse((await skopeo(["list-tags", "--tls-verify=false", `docker://${host}/x/y`])).stdout) as { Tags: string[] };
    assert.deepEqual(tags.Tags, ["1"]);

    const layout = path.join(dir, "oci");
    await skopeo(["copy", "--src-tls-verify=false", `docker://${host}/x/y:1`, `oci:${layout}:1`]);
    const index = JSON.parse(await fs.readFile(path.join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const m = JSON.parse(await fs.readFile(path.join(layout, "blobs", "sha256", index.manifests[0]!.digest.slice(7)), "utf8")) as { layers: { digest: string }[] };
    const pulledLayer = await fs.readFile(path.join(layout, "blobs", "sha256", m.layers[0]!.digest.slice(7)));
    // skopeo compresses the layer on push; what comes back is the same blob, whatever its compression.
    assert.equal(`sha256:${sha256(pulledLayer)}`, m.layers[0]!.digest);
    assert.ok(pulledLayer.length > 0 && layer.length > 0);

    await skopeo(["copy", "--dest-tls-verify=false", "--format", "oci", `oci:${layout}:1`, `docker://${host}/x/oci:latest`]);
    const ociRaw = JSON.parse((await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${host}/x/oci:latest`])).stdout) as { mediaType: string };
    assert.equal(ociRaw.mediaType, "application/vnd.oci.image.manifest.v1+json");

    await skopeo(["delete", "--tls-verify=false", `docker://${host}/x/oci:latest`]);
    await assert.rejects(skopeo(["inspect", "--tls-verify=false", `docker://${host}/x/oci:latest`]));
    // The other repository is untouched.
    await skopeo(["inspect", "--tls-verify=false", `docker://${host}/x/y:1`]);
  });
});
