import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable, PassThrough } from "node:stream";
import { ConflictError, InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { sha256Digest } from "../../oci/digest.js";
import { collect, createImageEnv, gzip, makeTar, readTar, rootfsFiles } from "../../../test/fixtures/images/image-env.js";

async function saveToBuffer(images: { save(refs: string[], out: NodeJS.WritableStream): Promise<void> }, refs: string[]): Promise<Buffer> {
  const out = new PassThrough();
  const [, buf] = await Promise.all([images.save(refs, out), collect(out)]);
  return buf;
}

test("import → get → history → list", async () => {
  await using env = await createImageEnv();
  const rootfs = await makeTar(rootfsFiles());
  const img = await env.images.importRootfs(Readable.from([rootfs]), {
    ref: "busybox:local",
    changes: ['CMD ["sh"]', "ENV A=b C=\"d e\"", "WORKDIR /w", "EXPOSE 80 53/udp", "LABEL x=y", "USER nobody", "VOLUME /data", "STOPSIGNAL SIGTERM", "ENTRYPOINT echo hi"],
  });
  assert.deepEqual(img.repoTags, ["busybox:local"]);
  assert.equal(img.config.rootfs.diff_ids[0], sha256Digest(rootfs));
  assert.equal(img.config.os, "linux");
  assert.deepEqual(img.config.config?.Cmd, ["sh"]);
  assert.deepEqual(img.config.config?.Entrypoint, ["/bin/sh", "-c", "echo hi"]);
  assert.deepEqual(img.config.config?.Env, ["A=b", "C=d e"]);
  assert.deepEqual(img.config.config?.ExposedPorts, { "80/tcp": {}, "53/udp": {} });
  assert.deepEqual(img.config.config?.Labels, { x: "y" });
  assert.equal(img.config.history?.[0]?.comment, "Imported from -");
  assert.ok(img.topChainId);
  assert.ok(img.size > 0);

  for (const ref of ["busybox:local", "docker.io/library/busybox:local", img.id, img.id.slice(7), img.id.slice(7, 12), img.id.slice(0, 12)]) {
    assert.equal((await env.images.get(ref)).id, img.id, ref);
  }
  await assert.rejects(env.images.get("busybox"), (e: unknown) => e instanceof NotFoundError && e.message === "No such image: busybox");
  await assert.rejects(env.images.get("Busybox"), InvalidArgumentError);

  const hist = await env.images.history("busybox:local");
  assert.equal(hist.length, 1);
  assert.equal(hist[0]!.Id, img.id);
  assert.deepEqual(hist[0]!.Tags, ["busybox:local"]);
  assert.equal(hist[0]!.Comment, "Imported from -");
  assert.equal(hist[0]!.Size, img.size);

  await env.images.tag("busybox:local", "bb-copy:1");
  assert.deepEqual((await env.images.history(img.id))[0]!.Tags, ["bb-copy:1", "busybox:local"]);
  assert.equal((await env.images.list()).length, 1);
  assert.equal((await env.images.list({ filters: { reference: ["bb-*"] } }))[0]!.repoTags.join(), "bb-copy:1");
  assert.equal((await env.images.list({ filters: { label: ["x=y"] } })).length, 1);
  assert.equal((await env.images.list({ filters: { label: ["x=z"] } })).length, 0);
  assert.equal((await env.images.list({ filters: { dangling: ["true"] } })).length, 0);

  // Survives a restart of the stores.
  const reopened = await env.reopen();
  assert.deepEqual((await reopened.get("bb-copy:1")).repoTags, ["bb-copy:1", "busybox:local"]);
});

test("gzip import gives the same layer and diff ID as the plain tar", async () => {
  await using env = await createImageEnv();
  const rootfs = await makeTar(rootfsFiles("gz"));
  const a = await env.images.importRootfs(Readable.from([rootfs]), { ref: "a" });
  const b = await env.images.importRootfs(Readable.from([gzip(rootfs)]), { ref: "b" });
  assert.equal(a.topChainId, b.topChainId);
  assert.equal(b.config.rootfs.diff_ids[0], sha256Digest(rootfs));
  assert.ok(await env.content.has(sha256Digest(rootfs)), "layer blob stored uncompressed");
});

test("save writes a docker-archive and an OCI layout; rmi then load restores the same image", async () => {
  await using env = await createImageEnv();
  const img = await env.images.importRootfs(Readable.from([await makeTar(rootfsFiles("rt"))]), { ref: "localhost:5000/rt:v1" });
  await env.images.tag(img.id, "rt-other");
  const archive = await saveToBuffer(env.images, ["localhost:5000/rt:v1", "rt-other:latest"]);
  const files = await readTar(archive);
  const hex = img.id.slice(7);
  const manifest = JSON.parse(files.get("manifest.json")!.toString());
  assert.deepEqual(manifest, [{ Config: `blobs/sha256/${hex}`, RepoTags: ["localhost:5000/rt:v1", "rt-other:latest"], Layers: [`blobs/sha256/${img.config.rootfs.diff_ids[0]!.slice(7)}`] }]);
  const index = JSON.parse(files.get("index.json")!.toString());
  assert.equal(index.manifests.length, 2);
  assert.equal(index.manifests[0].annotations["io.containerd.image.name"], "localhost:5000/rt:v1");
  assert.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], "v1");
  assert.deepEqual(JSON.parse(files.get("oci-layout")!.toString()), { imageLayoutVersion: "1.0.0" });
  assert.ok(JSON.parse(files.get("repositories")!.toString())["localhost:5000/rt"]);
  for (const [name, body] of files) if (name.startsWith("blobs/sha256/")) assert.equal(sha256Digest(body), `sha256:${name.slice(13)}`);

  const removed = await env.images.remove(img.id, { force: true });
  assert.deepEqual(removed.slice(0, 3), [{ Untagged: "rt-other:latest" }, { Untagged: "localhost:5000/rt:v1" }, { Deleted: img.id }]);
  assert.equal(await env.content.has(img.id), false, "config blob removed");
  assert.deepEqual(await env.layers.listLayers(), [], "layers removed");

  const loaded = await env.images.load(Readable.from([archive]));
  assert.deepEqual(loaded.map((l) => l.stream), ["Loaded image: localhost:5000/rt:v1", "Loaded image: rt-other:latest"]);
  const back = await env.images.get("rt-other");
  assert.equal(back.id, img.id);
  assert.deepEqual(back.repoTags, ["localhost:5000/rt:v1", "rt-other:latest"]);

  // The OCI layout half alone loads too (manifest.json dropped), and saving by ID writes no tags.
  const byId = await readTar(await saveToBuffer(env.images, [img.id.slice(7, 19)]));
  assert.deepEqual(JSON.parse(byId.get("manifest.json")!.toString())[0].RepoTags, []);
  assert.equal(byId.has("repositories"), false);
  await env.images.remove(img.id, { force: true });
  const ociOnly = await makeTar([...archiveFiles(files, (n) => n !== "manifest.json" && n !== "repositories")]);
  const fromOci = await env.images.load(Readable.from([ociOnly]));
  assert.deepEqual(fromOci.map((l) => l.stream), ["Loaded image: localhost:5000/rt:v1", "Loaded image: rt-other:latest"]);
  assert.equal((await env.images.get("localhost:5000/rt:v1")).id, img.id);
});

function* archiveFiles(files: Map<string, Buffer>, keep: (name: string) => boolean) {
  for (const [name, body] of files) if (keep(name)) yield { name, body };
}

test("rmi: untag vs delete, conflicts, containers", async () => {
  await using env = await createImageEnv();
  const img = await env.images.importRootfs(Readable.from([await makeTar(rootfsFiles("rm"))]), { ref: "one:1" });
  await env.images.tag("one:1", "two:2");
  await assert.rejects(env.images.remove(img.id, {}), (e: unknown) =>
    e instanceof ConflictError && e.message === `conflict: unable to delete ${img.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
  assert.deepEqual(await env.images.remove("two:2", {}), [{ Untagged: "two:2" }]);

  env.inUse.set(img.id, { running: false, containerId: "c".repeat(64) });
  await assert.rejects(env.images.remove("one:1", {}), (e: unknown) =>
    e instanceof ConflictError && e.message === `conflict: unable to remove repository reference "one:1" (must force) - container cccccccccccc is using its referenced image ${img.id.slice(7, 19)}`);
  env.inUse.set(img.id, { running: true, containerId: "c".repeat(64) });
  await assert.rejects(env.images.remove(img.id, { force: true }), (e: unknown) =>
    e instanceof ConflictError && e.message === `conflict: unable to delete ${img.id.slice(7, 19)} (cannot be forced) - image is being used by running container cccccccccccc`);
  env.inUse.delete(img.id);

  const out = await env.images.remove("one:1", {});
  assert.deepEqual(out.slice(0, 2), [{ Untagged: "one:1" }, { Deleted: img.id }]);
  assert.deepEqual(out[2], { Deleted: img.topChainId });
  await assert.rejects(env.images.get(img.id), NotFoundError);
  await assert.rejects(env.images.remove("no-such-image:1", {}), (e: unknown) => e instanceof NotFoundError && e.message === "No such image: no-such-image:1");
});

test("rmi keeps layers and blobs that another image shares", async () => {
  await using env = await createImageEnv();
  const rootfs = await makeTar(rootfsFiles("shared"));
  const a = await env.images.importRootfs(Readable.from([rootfs]), { ref: "a", changes: ["CMD a"] });
  const b = await env.images.importRootfs(Readable.from([rootfs]), { ref: "b", changes: ["CMD b"] });
  assert.notEqual(a.id, b.id);
  assert.deepEqual(await env.images.remove("a", {}), [{ Untagged: "a:latest" }, { Deleted: a.id }]);
  assert.ok(await env.layers.hasLayer(b.topChainId!));
  assert.ok(await env.content.has(sha256Digest(rootfs)));
});
