import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { chainIdOf } from "../../archive/chain-id.js";
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, SyscallError } from "../../errors/index.js";
import { buildTar, buildTarGz } from "../../../test/fixtures/hostile/tar-builder.js";
import { isMountPoint } from "./mountinfo.js";
import { OverlayLayerStore } from "./overlay-layer-store.js";

const sha = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

interface Ctx {
  root: string;
  store: OverlayLayerStore;
  /** Registers a mount point to unmount in cleanup, whatever happens. */
  target(name: string): string;
}

async function setup(t: { after(fn: () => Promise<void>): void }): Promise<Ctx> {
  const root = await fs.mkdtemp(path.join(tmpdir(), "berth-layers-"));
  const targets: string[] = [];
  t.after(async () => {
    for (const m of targets) {
      while (await isMountPoint(m)) await import("../../sys/exec.js").then(({ run }) => run(["umount", "-l", m]));
    }
    await fs.rm(root, { recursive: true, force: true });
  });
  const store = new OverlayLayerStore(path.join(root, "store"));
  return { root, store, target: (name) => (targets.push(path.join(root, name)), path.join(root, name)) };
}

const lowerEntries = [
  { name: "etc/", type: "directory" as const },
  { name: "etc/passwd", data: "root:x:0:0::/root:/bin/sh\n" },
  { name: "etc/gone", data: "delete me" },
  { name: "var/cache/", type: "directory" as const },
  { name: "var/cache/a", data: "a" },
  { name: "var/cache/sub/b", data: "b" },
];
const upperEntries = [
  { name: "etc/.wh.gone", data: "" },
  { name: "var/cache/.wh..wh..opq", data: "" },
  { name: "var/cache/new", data: "new" },
];

test("two layers mount as overlay: whiteouts hide, opaque dirs hide, writes land in upper", async (t) => {
  const { root, store, target } = await setup(t);
  const lower = await buildTar(lowerEntries);
  const upper = await buildTar(upperEntries);
  const l1 = await store.applyLayer(null, Readable.from([await buildTarGz(lowerEntries)]), sha(lower));
  assert.deepEqual(l1, { diffId: sha(lower), chainId: sha(lower), size: lower.length });
  const l2 = await store.applyLayer(l1.chainId, Readable.from([upper]));
  assert.equal(l2.chainId, chainIdOf(l1.chainId, sha(upper)));
  assert.deepEqual(await store.chain(l2.chainId), [l1.chainId, l2.chainId]);
  assert.deepEqual((await store.listLayers()).sort(), [l1.chainId, l2.chainId].sort());
  assert.ok((await store.layerSize(l1.chainId)) > 0);

  const spec = await store.prepare("ctr1", l2.chainId);
  assert.equal(spec.type, "overlay");
  assert.ok(spec.options[0]!.startsWith(`lowerdir=${store.layerDir(l2.chainId)}:${store.layerDir(l1.chainId)}`));
  await assert.rejects(store.prepare("ctr1", l2.chainId), AlreadyExistsError);

  const mnt = target("rootfs");
  await store.mount("ctr1", mnt);
  await store.mount("ctr1", mnt); // idempotent
  assert.equal(await isMountPoint(mnt), true);
  assert.equal(await fs.readFile(path.join(mnt, "etc/passwd"), "utf8"), "root:x:0:0::/root:/bin/sh\n");
  await assert.rejects(fs.lstat(path.join(mnt, "etc/gone")), { code: "ENOENT" });
  assert.deepEqual(await fs.readdir(path.join(mnt, "var/cache")), ["new"]);
  await fs.writeFile(path.join(mnt, "hello"), "from the container");
  await fs.rm(path.join(mnt, "etc/passwd"));
  await store.unmount(mnt);
  await store.unmount(mnt); // no error when not mounted
  assert.equal(await isMountPoint(mnt), false);
  assert.equal(await fs.readFile(path.join(store.upperDir("ctr1"), "hello"), "utf8"), "from the container");
  assert.ok((await fs.lstat(path.join(store.upperDir("ctr1"), "etc/passwd"))).isCharacterDevice());
  assert.equal(await fs.readFile(path.join(store.layerDir(l1.chainId), "etc/passwd"), "utf8"), "root:x:0:0::/root:/bin/sh\n");

  assert.deepEqual(await store.listActive(), ["ctr1"]);
  await store.remove("ctr1");
  await store.remove("ctr1");
  assert.deepEqual(await store.listActive(), []);
  await store.removeLayer(l2.chainId);
  assert.equal(await store.hasLayer(l2.chainId), false);
  await assert.rejects(store.chain(l2.chainId), NotFoundError);
  assert.ok(root);
});

test("an image with no layers mounts over the empty lower", async (t) => {
  const { store, target } = await setup(t);
  assert.deepEqual(await store.prepare("scratch", null), {
    type: "bind",
    source: store.upperDir("scratch"),
    options: ["rbind", "rw"],
  });
  const mnt = target("scratch-rootfs");
  await store.mount("scratch", mnt);
  assert.deepEqual(await fs.readdir(mnt), []);
  await fs.writeFile(path.join(mnt, "f"), "x");
  await store.unmount(mnt);
  assert.deepEqual(await fs.readdir(store.upperDir("scratch")), ["f"]);
});

test("unmount of a busy rootfs fails with EBUSY (after its retry) and leaves it mounted", async (t) => {
  const { store, target } = await setup(t);
  await store.prepare("busy", null);
  const mnt = target("busy-rootfs");
  await store.mount("busy", mnt);
  const fh = await fs.open(path.join(mnt, "held"), "w");
  try {
    await assert.rejects(store.unmount(mnt), (e: Error) => e instanceof SyscallError && e.code === "EBUSY" && e.syscall === "umount2" && e.path === mnt);
    assert.equal(await isMountPoint(mnt), true);
  } finally {
    await fh.close();
  }
  await store.unmount(mnt);
  assert.equal(await isMountPoint(mnt), false);
});

test("a diffId mismatch or a hostile layer leaves no layer and no temp dir", async (t) => {
  const { store } = await setup(t);
  const tarball = await buildTar(lowerEntries);
  const wrong = sha(Buffer.from("something else"));
  await assert.rejects(store.applyLayer(null, Readable.from([tarball]), wrong), InvalidArgumentError);
  await assert.rejects(
    store.applyLayer(null, Readable.from([await buildTar([{ name: "../evil", data: "x" }])])),
    InvalidArgumentError,
  );
  assert.deepEqual(await store.listLayers(), []);
  assert.deepEqual(await fs.readdir(store.paths.layersDir()), ["empty"]);
  await assert.rejects(store.applyLayer(wrong, Readable.from([tarball])), NotFoundError);
});

test("the same layer applied concurrently is unpacked once; re-applying is a no-op", async (t) => {
  const { store } = await setup(t);
  const tarball = await buildTar(lowerEntries);
  const results = await Promise.all([
    store.applyLayer(null, Readable.from([tarball]), sha(tarball)),
    store.applyLayer(null, Readable.from([tarball]), sha(tarball)),
    store.applyLayer(null, Readable.from([tarball])),
  ]);
  for (const r of results) assert.deepEqual(r, { diffId: sha(tarball), chainId: sha(tarball), size: tarball.length });
  assert.deepEqual(await store.listLayers(), [sha(tarball)]);
  assert.deepEqual((await fs.readdir(store.paths.layersDir())).sort(), ["empty", sha(tarball).slice(7)].sort());
});

test("init removes temp dirs left by a crash; malformed ids and keys are refused", async (t) => {
  const { root } = await setup(t);
  const storeRoot = path.join(root, "store");
  await fs.mkdir(path.join(storeRoot, "layers", ".tmp-crashed", "diff"), { recursive: true });
  await fs.mkdir(path.join(storeRoot, "snapshots", ".tmp-crashed"), { recursive: true });
  const store = new OverlayLayerStore(storeRoot);
  assert.deepEqual(await store.listLayers(), []);
  assert.deepEqual(await fs.readdir(path.join(storeRoot, "layers")), ["empty"]);
  assert.deepEqual(await store.listActive(), []);
  assert.throws(() => store.layerDir("sha256:../../etc"), InvalidArgumentError);
  assert.throws(() => store.upperDir("../x"), InvalidArgumentError);
  await assert.rejects(store.prepare("a/b", null), InvalidArgumentError);
  await assert.rejects(store.mounts("missing"), NotFoundError);
});

test("a 150-layer chain mounts through short links; a chain too deep for one mount is a clear error", async (t) => {
  const { store, target } = await setup(t);
  let parent: string | null = null;
  const chainAt: string[] = [];
  for (let i = 0; i < 200; i++) {
    const layer = await buildTar([{ name: `f${i}`, data: `layer ${i}` }, { name: "top", data: `${i}` }]);
    parent = (await store.applyLayer(parent, Readable.from([layer]))).chainId;
    chainAt.push(parent);
  }
  await store.prepare("deep", chainAt[149]!);
  const mnt = target("deep-rootfs");
  await store.mount("deep", mnt);
  assert.equal(await fs.readFile(path.join(mnt, "f0"), "utf8"), "layer 0");
  assert.equal(await fs.readFile(path.join(mnt, "f149"), "utf8"), "layer 149");
  assert.equal(await fs.readFile(path.join(mnt, "top"), "utf8"), "149");
  await assert.rejects(fs.lstat(path.join(mnt, "f150")), { code: "ENOENT" });
  await store.unmount(mnt);

  await store.prepare("too-deep", chainAt[199]!);
  await assert.rejects(store.mount("too-deep", target("too-deep-rootfs")), (e: Error) => e instanceof InvalidArgumentError && /max depth exceeded/.test(e.message));

  // removing a layer removes its short link too
  const link = path.join(store.paths.layersDir(), store.paths.relShortLink(chainAt[149]!));
  assert.ok((await fs.lstat(link)).isSymbolicLink());
  await store.remove("deep");
  await store.removeLayer(chainAt[149]!);
  await assert.rejects(fs.lstat(link), { code: "ENOENT" });
});
