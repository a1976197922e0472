import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { FsUtilBatch, S_IFCHR } from "../fsutil.js";
import { lgetxattr } from "../../sys/syscall-helper.js";
import { unpackLayer } from "../unpack.js";
import { overlayChanges } from "./changes.js";
import { packPath, packRoot } from "./path-archive.js";
import { packUpperDir } from "./upper-layer.js";

const isRoot = process.getuid?.() === 0;
const T = new Date(1_600_000_000_000);

interface Listed {
  name: string;
  type: string;
  mode: number;
  uid: number;
  linkname?: string;
  data: string;
}

async function list(s: Readable): Promise<Listed[]> {
  const ex = tar.extract();
  s.pipe(ex);
  const out: Listed[] = [];
  for await (const e of ex) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    const h = e.header;
    out.push({ name: h.name, type: String(h.type), mode: h.mode ?? 0, uid: h.uid ?? 0, ...(h.linkname ? { linkname: h.linkname } : {}), data: Buffer.concat(chunks).toString() });
  }
  return out;
}

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const d = await fs.mkdtemp(path.join(tmpdir(), "berth-pack-"));
  t.after(() => fs.rm(d, { recursive: true, force: true }));
  return d;
}

async function whiteout(p: string): Promise<void> {
  const b = new FsUtilBatch();
  b.mknod(p, { mode: S_IFCHR, major: 0, minor: 0, uid: 0, gid: 0 });
  await b.flush();
}

async function opaque(p: string): Promise<void> {
  const b = new FsUtilBatch();
  b.lsetxattr(p, "trusted.overlay.opaque", Buffer.from("y"));
  await b.flush();
}

test("packPath: a file is one entry named by the given name; a dir keeps modes, symlinks and hardlinks", async (t) => {
  const d = await tempDir(t);
  await fs.mkdir(path.join(d, "etc/sub"), { recursive: true });
  await fs.writeFile(path.join(d, "etc/b"), "bee", { mode: 0o640 });
  await fs.chmod(path.join(d, "etc/b"), 0o640);
  await fs.writeFile(path.join(d, "etc/sub/x"), "x");
  await fs.link(path.join(d, "etc/b"), path.join(d, "etc/sub/hard"));
  await fs.symlink("../../..", path.join(d, "etc/up"));
  await fs.utimes(path.join(d, "etc/b"), T, T);

  const one = await list(packPath(path.join(d, "etc/b"), "b"));
  assert.deepEqual(one, [{ name: "b", type: "file", mode: 0o640, uid: process.getuid?.() ?? 0, data: "bee" }]);

  const all = await list(packPath(path.join(d, "etc"), "etc"));
  assert.deepEqual(all.map((e) => [e.name, e.type]), [
    ["etc/", "directory"],
    ["etc/b", "file"],
    ["etc/sub/", "directory"],
    ["etc/sub/hard", "link"],
    ["etc/sub/x", "file"],
    ["etc/up", "symlink"],
  ]);
  assert.equal(all.find((e) => e.name === "etc/sub/hard")?.linkname, "etc/b");
  assert.equal(all.find((e) => e.name === "etc/up")?.linkname, "../../..");

  const dot = await list(packPath(path.join(d, "etc"), "."));
  assert.equal(dot[0]?.name, "./");
  const root = await list(packRoot(d));
  assert.deepEqual(root.map((e) => e.name).slice(0, 2), ["etc/", "etc/b"]);
});

test("packUpperDir: whiteouts → .wh.NAME, opaque dirs → .wh..wh..opq, hardlinks kept; unpack restores them", { skip: !isRoot && "whiteout char devices and trusted.* xattrs need root" }, async (t) => {
  const d = await tempDir(t);
  const upper = path.join(d, "upper");
  await fs.mkdir(path.join(upper, "etc"), { recursive: true });
  await fs.mkdir(path.join(upper, "var/cache"), { recursive: true });
  await whiteout(path.join(upper, "etc/gone"));
  await opaque(path.join(upper, "var/cache"));
  await fs.writeFile(path.join(upper, "var/cache/new"), "n");
  await fs.writeFile(path.join(upper, "a"), "shared");
  await fs.link(path.join(upper, "a"), path.join(upper, "b"));

  const entries = await list(packUpperDir(upper));
  assert.deepEqual(entries.map((e) => [e.name, e.type]), [
    ["a", "file"],
    ["b", "link"],
    ["etc/", "directory"],
    ["etc/.wh.gone", "file"],
    ["var/", "directory"],
    ["var/cache/", "directory"],
    ["var/cache/.wh..wh..opq", "file"],
    ["var/cache/new", "file"],
  ]);
  assert.equal(entries.find((e) => e.name === "etc/.wh.gone")?.mode, 0o600);

  const back = path.join(d, "back");
  await unpackLayer(packUpperDir(upper), back);
  const wh = await fs.lstat(path.join(back, "etc/gone"));
  assert.ok(wh.isCharacterDevice() && wh.rdev === 0);
  assert.deepEqual(await lgetxattr(path.join(back, "var/cache"), "trusted.overlay.opaque"), Buffer.from("y"));
  assert.equal((await fs.lstat(path.join(back, "b"))).ino, (await fs.lstat(path.join(back, "a"))).ino);
});

test("packUpperDir without whiteouts needs no root", async (t) => {
  const d = await tempDir(t);
  await fs.mkdir(path.join(d, "x"));
  await fs.writeFile(path.join(d, "x/f"), "f");
  assert.deepEqual((await list(packUpperDir(d))).map((e) => e.name), ["x/", "x/f"]);
});

test("overlayChanges: added, modified, deleted, with parents as Docker reports them", async (t) => {
  const d = await tempDir(t);
  const lower = path.join(d, "lower");
  const upper = path.join(d, "upper");
  for (const p of ["etc", "usr/bin", "tmp"]) await fs.mkdir(path.join(lower, p), { recursive: true });
  await fs.writeFile(path.join(lower, "etc/passwd"), "root");
  await fs.writeFile(path.join(lower, "usr/bin/tool"), "t");
  // upper: etc/passwd modified, etc/new added, usr/bin/tool deleted (if root), tmp/dir/f added
  await fs.mkdir(path.join(upper, "etc"), { recursive: true });
  await fs.writeFile(path.join(upper, "etc/passwd"), "root2");
  await fs.writeFile(path.join(upper, "etc/new"), "n");
  await fs.mkdir(path.join(upper, "tmp/dir"), { recursive: true });
  await fs.writeFile(path.join(upper, "tmp/dir/f"), "f");
  // tmp in upper identical to lower tmp (same mode, size, mtime): not itself a change
  for (const dir of [lower, upper]) await fs.utimes(path.join(dir, "tmp"), T, T);
  if (isRoot) {
    await fs.mkdir(path.join(upper, "usr/bin"), { recursive: true });
    await whiteout(path.join(upper, "usr/bin/tool"));
    for (const dir of [lower, upper]) await fs.utimes(path.join(dir, "usr"), T, T);
  }
  const changes = await overlayChanges(upper, [lower]);
  const expected = [
    { Path: "/etc", Kind: 0 },
    { Path: "/etc/new", Kind: 1 },
    { Path: "/etc/passwd", Kind: 0 },
    { Path: "/tmp", Kind: 0 },
    { Path: "/tmp/dir", Kind: 1 },
    { Path: "/tmp/dir/f", Kind: 1 },
  ];
  if (isRoot) expected.push({ Path: "/usr/bin", Kind: 0 }, { Path: "/usr/bin/tool", Kind: 2 });
  assert.deepEqual(changes, expected);
});

test("diff hides the runtime's /etc mount points and a parent changed only by them", async () => {
  const { withoutMountPoints, ChangeKind } = await import("./changes.js");
  const mp = ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"];
  const only = [
    { Path: "/etc", Kind: ChangeKind.Modified },
    { Path: "/etc/hostname", Kind: ChangeKind.Added },
    { Path: "/etc/hosts", Kind: ChangeKind.Added },
    { Path: "/tmp", Kind: ChangeKind.Modified },
    { Path: "/tmp/x", Kind: ChangeKind.Added },
  ];
  assert.deepEqual(withoutMountPoints(only, mp), [only[3], only[4]]);
  const more = [{ Path: "/etc", Kind: ChangeKind.Modified }, { Path: "/etc/hosts", Kind: ChangeKind.Added }, { Path: "/etc/passwd", Kind: ChangeKind.Modified }];
  assert.deepEqual(withoutMountPoints(more, mp), [more[0], more[2]]);
});

test("an archive whose reader goes away mid-file stops quietly (no uncaught error, the walk ends)", async (t) => {
  const dir = await fs.mkdtemp(path.join(tmpdir(), "berth-pack-abort-"));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  for (const n of ["a", "b", "c"]) await fs.writeFile(path.join(dir, n), Buffer.alloc(5 * 1024 * 1024, n));
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on("uncaughtException", onUncaught);
  t.after(() => process.off("uncaughtException", onUncaught));
  for (let i = 0; i < 5; i++) {
    const s = packPath(dir, "d");
    s.on("error", () => {}); // the consumer's own error, as pipeline() handles it
    await new Promise<void>((resolve) => s.once("data", () => resolve()));
    s.destroy(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" })); // as pipeline() does when `docker export | head -c 4096` exits
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(uncaught, []);
});
