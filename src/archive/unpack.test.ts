import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { InvalidArgumentError } from "../errors/index.js";
import { buildTar, buildTarGz } from "../../test/fixtures/hostile/tar-builder.js";
import { hostileLayers } from "../../test/fixtures/hostile/hostile-layers.js";
import { fsutilBinary } from "./fsutil.js";
import { lgetxattr } from "../sys/syscall-helper.js";
import { unpackLayer } from "./unpack.js";

const sha = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const T = new Date(1_500_000_000_000);

async function tempRoot(t: { after(fn: () => Promise<void>): void }): Promise<{ base: string; root: string }> {
  const base = await fs.mkdtemp(path.join(tmpdir(), "berth-unpack-"));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  return { base, root: path.join(base, "root") };
}

/** Streams `buf` in small chunks so that entries straddle chunk boundaries. */
const chunks = (buf: Buffer, n = 777): Readable =>
  Readable.from((function* () { for (let i = 0; i < buf.length; i += n) yield buf.subarray(i, i + n); })());

test("unpack keeps contents, owners, modes, times, links and devices; diffId is the tar's sha256", async (t) => {
  const { root } = await tempRoot(t);
  const tarball = await buildTar([
    { name: "bin/", type: "directory", mode: 0o755, mtime: T },
    { name: "bin/su", data: "#!/bin/su\n", mode: 0o4755, uid: 0, gid: 0, mtime: T },
    { name: "tmp/", type: "directory", mode: 0o1777, mtime: T },
    { name: "home/user/", type: "directory", mode: 0o700, uid: 1000, gid: 1001, mtime: T },
    { name: "home/user/notes", data: "hello", mode: 0o640, uid: 1000, gid: 1001, mtime: T },
    { name: "home/user/hard", type: "link", linkname: "home/user/notes" },
    { name: "home/user/sym", type: "symlink", linkname: "/etc/passwd", uid: 1000, gid: 1001, mtime: T },
    { name: "dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666, mtime: T },
    { name: "dev/loop0", type: "block-device", devmajor: 7, devminor: 0, mode: 0o660, gid: 6, mtime: T },
    { name: "run/fifo", type: "fifo", mode: 0o600, uid: 5, mtime: T },
  ]);
  const res = await unpackLayer(chunks(tarball), root);
  assert.deepEqual(res, { diffId: sha(tarball), size: tarball.length });

  const st = (p: string) => fs.lstat(path.join(root, p));
  assert.equal((await st("bin/su")).mode & 0o7777, 0o4755);
  assert.equal(await fs.readFile(path.join(root, "bin/su"), "utf8"), "#!/bin/su\n");
  assert.equal((await st("tmp")).mode & 0o7777, 0o1777);
  const home = await st("home/user");
  assert.deepEqual([home.mode & 0o7777, home.uid, home.gid, home.mtimeMs], [0o700, 1000, 1001, T.getTime()]);
  const notes = await st("home/user/notes");
  assert.deepEqual([notes.mode & 0o7777, notes.uid, notes.gid, notes.mtimeMs], [0o640, 1000, 1001, T.getTime()]);
  assert.equal((await st("home/user/hard")).ino, notes.ino);
  const sym = await st("home/user/sym");
  assert.ok(sym.isSymbolicLink());
  assert.equal(await fs.readlink(path.join(root, "home/user/sym")), "/etc/passwd");
  assert.deepEqual([sym.uid, sym.gid, sym.mtimeMs], [1000, 1001, T.getTime()]);
  const devNull = await st("dev/null");
  assert.ok(devNull.isCharacterDevice());
  assert.deepEqual([devNull.rdev, devNull.mode & 0o7777, devNull.mtimeMs], [(1 << 8) | 3, 0o666, T.getTime()]);
  const loop = await st("dev/loop0");
  assert.ok(loop.isBlockDevice());
  assert.deepEqual([loop.rdev, loop.gid, loop.mode & 0o7777], [7 << 8, 6, 0o660]);
  const fifo = await st("run/fifo");
  assert.ok(fifo.isFIFO());
  assert.deepEqual([fifo.uid, fifo.mode & 0o7777], [5, 0o600]);
  // Directory times survive children being created after them.
  assert.equal((await st("bin")).mtimeMs, T.getTime());
  // Implicit parents ("dev/", "run/" have no entry) are 0755 root dirs.
  const dev = await st("dev");
  assert.deepEqual([dev.isDirectory(), dev.mode & 0o7777, dev.uid], [true, 0o755, 0]);
});

test("gzip layers are detected; the diffId is of the uncompressed tar", async (t) => {
  const { root } = await tempRoot(t);
  const entries = [{ name: "a.txt", data: "x".repeat(100_000) }];
  const plain = await buildTar(entries);
  const res = await unpackLayer(chunks(await buildTarGz(entries), 1), root);
  assert.deepEqual(res, { diffId: sha(plain), size: plain.length });
  assert.equal((await fs.readFile(path.join(root, "a.txt"))).length, 100_000);
});

test("leading slashes are stripped like Docker does", async (t) => {
  const { root } = await tempRoot(t);
  await unpackLayer(Readable.from([await buildTar([{ name: "/etc/x", data: "1" }, { name: "//a/./b/../c", data: "2" }])]), root);
  assert.equal(await fs.readFile(path.join(root, "etc/x"), "utf8"), "1");
  assert.equal(await fs.readFile(path.join(root, "a/c"), "utf8"), "2");
});

test("OCI whiteouts become overlay whiteouts", async (t) => {
  const { root } = await tempRoot(t);
  const tarball = await buildTar([
    { name: "etc/", type: "directory" },
    { name: "etc/.wh.gone", data: "" },
    { name: "var/cache/", type: "directory" },
    { name: "var/cache/.wh..wh..opq", data: "" },
    { name: "var/cache/kept", data: "new" },
    { name: ".wh..wh.plnk", type: "directory" },
    { name: ".wh..wh.plnk/123", data: "aufs" },
  ]);
  await unpackLayer(Readable.from([tarball]), root);
  const wh = await fs.lstat(path.join(root, "etc/gone"));
  assert.ok(wh.isCharacterDevice());
  assert.deepEqual([wh.rdev, wh.uid, wh.gid], [0, 0, 0]);
  assert.deepEqual(await fs.readdir(path.join(root, "etc")), ["gone"]);
  assert.deepEqual(await lgetxattr(path.join(root, "var/cache"), "trusted.overlay.opaque"), Buffer.from("y"));
  assert.equal(await lgetxattr(path.join(root, "etc"), "trusted.overlay.opaque"), undefined);
  assert.deepEqual(await fs.readdir(path.join(root, "var/cache")), ["kept"]);
  assert.deepEqual((await fs.readdir(root)).sort(), ["etc", "var"]);
});

test("PAX xattrs are kept byte for byte", async (t) => {
  const { root } = await tempRoot(t);
  const binary = Buffer.from([0x01, 0x00, 0x00, 0x02, 0xff, 0x80, 0x0a, 0x3d]);
  await unpackLayer(Readable.from([await buildTar([
    { name: "f", data: "x", rawPax: { "SCHILY.xattr.trusted.bin": binary, "SCHILY.xattr.user.note": "héllo" } },
    { name: "d/", type: "directory", rawPax: { "SCHILY.xattr.trusted.dir": "1" } },
  ])]), root);
  assert.deepEqual(await lgetxattr(path.join(root, "f"), "trusted.bin"), binary);
  assert.deepEqual(await lgetxattr(path.join(root, "f"), "user.note"), Buffer.from("héllo"));
  assert.deepEqual(await lgetxattr(path.join(root, "d"), "trusted.dir"), Buffer.from("1"));
});

test("later entries replace earlier ones, never writing through a replaced symlink", async (t) => {
  const { base, root } = await tempRoot(t);
  await fs.writeFile(path.join(base, "outside"), "untouched");
  await unpackLayer(Readable.from([await buildTar([
    { name: "x/", type: "directory" },
    { name: "x/child", data: "c" },
    { name: "x", data: "now a file" },
    { name: "y", data: "file" },
    { name: "y/", type: "directory", mode: 0o750 },
    { name: "l", type: "symlink", linkname: "../outside" },
    { name: "l", data: "replaced" },
    { name: "w", data: "old" },
    { name: ".wh.w", data: "" },
    { name: "n", type: "character-device", devmajor: 1, devminor: 3 },
    { name: "n", data: "file over device" },
  ])]), root);
  assert.equal(await fs.readFile(path.join(root, "x"), "utf8"), "now a file");
  assert.equal((await fs.lstat(path.join(root, "y"))).mode & 0o7777, 0o750);
  assert.equal(await fs.readFile(path.join(root, "l"), "utf8"), "replaced");
  assert.equal(await fs.readFile(path.join(base, "outside"), "utf8"), "untouched");
  assert.ok((await fs.lstat(path.join(root, "w"))).isCharacterDevice());
  assert.equal(await fs.readFile(path.join(root, "n"), "utf8"), "file over device");
});

for (const hostile of hostileLayers) {
  test(`hostile layer refused: ${hostile.name}`, async (t) => {
    const { base, root } = await tempRoot(t);
    await fs.mkdir(path.join(base, "victim"));
    const before = await fs.readdir("/");
    const err = await unpackLayer(Readable.from([await buildTar(hostile.entries)]), root).then(
      () => assert.fail("unpack succeeded"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.match(err.message, new RegExp(hostile.mentions.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.deepEqual((await fs.readdir(base)).sort(), ["root", "victim"]);
    assert.deepEqual(await fs.readdir(path.join(base, "victim")), []);
    assert.deepEqual(await fs.readdir("/"), before);
    await assert.rejects(fs.lstat("/tmp/escaped"), { code: "ENOENT" });
  });
}

test("a truncated or corrupt layer fails", async (t) => {
  const { root } = await tempRoot(t);
  const tarball = await buildTar([{ name: "big", data: "z".repeat(10_000) }]);
  await assert.rejects(unpackLayer(Readable.from([tarball.subarray(0, 3000)]), root));
  const gz = await buildTarGz([{ name: "big", data: "z".repeat(10_000) }]);
  await assert.rejects(unpackLayer(Readable.from([gz.subarray(0, gz.length - 10)]), path.join(root, "2")));
});

test("5000 whiteouts and devices cost one helper process", async (t) => {
  const { base, root } = await tempRoot(t);
  const counter = path.join(base, "spawns");
  const wrapper = path.join(base, "fsutil-wrapper.sh");
  await fs.writeFile(wrapper, `#!/bin/sh\necho x >> '${counter}'\nexec '${fsutilBinary()}' "$@"\n`, { mode: 0o755 });
  const saved = process.env.BERTH_FSUTIL;
  process.env.BERTH_FSUTIL = wrapper;
  t.after(() => { if (saved === undefined) delete process.env.BERTH_FSUTIL; else process.env.BERTH_FSUTIL = saved; });
  const entries = [];
  for (let i = 0; i < 5000; i++) entries.push({ name: `d${i % 50}/.wh.f${i}`, data: "" });
  for (let i = 0; i < 100; i++) entries.push({ name: `dev/tty${i}`, type: "character-device" as const, devmajor: 4, devminor: i });
  const started = Date.now();
  await unpackLayer(Readable.from([await buildTar(entries)]), root);
  assert.equal((await fs.readFile(counter, "utf8")).trim().split("\n").length, 1);
  assert.equal((await fs.readdir(path.join(root, "d7"))).length, 100);
  assert.ok((await fs.lstat(path.join(root, "d7/f4957"))).isCharacterDevice());
  assert.ok(Date.now() - started < 20_000);
});
