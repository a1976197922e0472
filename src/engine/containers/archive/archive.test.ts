import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buildTar } from "../../../../test/fixtures/hostile/tar-builder.js";
import { InvalidArgumentError } from "../../../errors/index.js";
import { absPath, goBase, goFileMode, goTime, resolveForRead, resolveForWrite, statPath } from "./container-path.js";
import { extractInto } from "./extract.js";

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const d = await fs.mkdtemp(path.join(tmpdir(), "berth-cp-"));
  t.after(() => fs.rm(d, { recursive: true, force: true }));
  return d;
}

test("absPath keeps a trailing / and /. as Docker does; goBase is Go's filepath.Base", () => {
  assert.equal(absPath("etc/x"), "/etc/x");
  assert.equal(absPath("/etc/x/"), "/etc/x/");
  assert.equal(absPath("/etc/./"), "/etc/");
  assert.equal(absPath("/etc/."), "/etc/.");
  assert.equal(absPath("/a/../../b"), "/b");
  assert.equal(goBase("/etc/x/"), "x");
  assert.equal(goBase("/etc/."), ".");
  assert.equal(goBase("/"), "/");
});

test("goFileMode and goTime match Go's encodings", () => {
  assert.equal(goFileMode(0o100644), 0o644);
  assert.equal(goFileMode(0o040755), 2 ** 31 + 0o755);
  assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777);
  assert.equal(goFileMode(0o104755), 2 ** 23 + 0o755);
  assert.equal(goTime(1_800_000_000_946_656_180n), "2027-01-15T08:00:00.94665618Z");
  assert.equal(goTime(1_800_000_000_000_000_000n), "2027-01-15T08:00:00Z");
});

test("paths resolve inside the root whatever the container's symlinks say", async (t) => {
  const base = await tempDir(t);
  const root = path.join(base, "root");
  await fs.mkdir(path.join(root, "etc"), { recursive: true });
  await fs.symlink("/", path.join(root, "etc/x"));
  await fs.symlink("../../../../..", path.join(root, "up"));
  assert.equal(await resolveForWrite(root, "/etc/x/"), root);
  assert.equal(await resolveForWrite(root, "/up/tmp"), path.join(root, "tmp"));
  assert.equal(await resolveForRead(root, "/etc/x"), path.join(root, "etc/x")); // the link itself
  assert.equal(await resolveForRead(root, "/etc/x/"), root);
  const { stat } = await statPath(root, "/up", "c");
  assert.equal(stat.linkTarget, "/");
  await assert.rejects(statPath(root, "/missing", "c"), /Could not find the file \/missing in container c/);
});

test("extractInto keeps entries inside the destination and honours noOverwriteDirNonDir", async (t) => {
  const base = await tempDir(t);
  const dest = path.join(base, "dest");
  await fs.mkdir(path.join(dest, "d"), { recursive: true });
  await fs.writeFile(path.join(dest, "f"), "old");
  const put = async (entries: Parameters<typeof buildTar>[0], noOverwriteDirNonDir = true) =>
    extractInto(Readable.from([await buildTar(entries)]), dest, { noOverwriteDirNonDir });
  await put([{ name: "new/", type: "directory", mode: 0o700 }, { name: "new/a", data: "a", mode: 0o640, uid: 123, gid: 456 }]);
  const st = await fs.stat(path.join(dest, "new/a"));
  assert.deepEqual([st.mode & 0o777, st.uid, st.gid], [0o640, 123, 456]);
  await assert.rejects(put([{ name: "d", data: "x" }]), /cannot overwrite directory/);
  await assert.rejects(put([{ name: "f/", type: "directory" }]), /cannot overwrite non-directory/);
  await put([{ name: "f/", type: "directory" }], false);
  assert.ok((await fs.stat(path.join(dest, "f"))).isDirectory());
  for (const bad of [[{ name: "../escape", data: "x" }], [{ name: "l", type: "symlink" as const, linkname: "/" }, { name: "l/escape", data: "x" }], [{ name: ".wh.f", data: "" }]]) {
    await assert.rejects(put(bad), InvalidArgumentError);
  }
  assert.deepEqual((await fs.readdir(base)).sort(), ["dest"]);
  await assert.rejects(fs.lstat("/escape"), { code: "ENOENT" });
});
