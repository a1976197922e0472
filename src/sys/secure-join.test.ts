import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InvalidArgumentError } from "../errors/index.js";
import { mkdirInRoot, secureJoin } from "./secure-join.js";

/** A temp dir holding `root/` (the container rootfs) and `outside/` (a sibling on the host). */
async function sandbox(t: { after: (fn: () => Promise<void>) => void }): Promise<{ base: string; root: string; outside: string }> {
  const base = await mkdtemp(path.join(os.tmpdir(), "berth-securejoin-"));
  t.after(() => rm(base, { recursive: true, force: true }));
  const root = path.join(base, "root");
  const outside = path.join(base, "outside");
  await mkdir(path.join(root, "etc"), { recursive: true });
  await mkdir(path.join(root, "a", "b"), { recursive: true });
  await mkdir(outside);
  return { base, root, outside };
}

const inside = (root: string, p: string) => p === root || p.startsWith(root + path.sep);

describe("secureJoin", () => {
  test("plain paths join under root; . and extra slashes are ignored", async (t) => {
    const { root } = await sandbox(t);
    assert.equal(await secureJoin(root, "/a/./b//"), path.join(root, "a/b"));
    assert.equal(await secureJoin(root, "/"), root);
    assert.equal(await secureJoin(root, ""), root);
  });

  test("an absolute symlink (link -> /etc) resolves inside root", async (t) => {
    const { root } = await sandbox(t);
    await symlink("/etc", path.join(root, "link"));
    assert.equal(await secureJoin(root, "/link"), path.join(root, "etc"));
    assert.equal(await secureJoin(root, "/link/passwd"), path.join(root, "etc/passwd"));
  });

  test("a ..-chain symlink (link -> ../../../..) stays at root", async (t) => {
    const { root } = await sandbox(t);
    await symlink("../../../..", path.join(root, "a", "b", "link"));
    assert.equal(await secureJoin(root, "/a/b/link"), root);
    assert.equal(await secureJoin(root, "/a/b/link/outside"), path.join(root, "outside"));
  });

  test(".. in the path itself cannot climb out of root", async (t) => {
    const { root } = await sandbox(t);
    assert.equal(await secureJoin(root, "../../../outside"), path.join(root, "outside"));
    assert.equal(await secureJoin(root, "/a/../../.."), root);
  });

  test("a relative symlink resolves against its own directory", async (t) => {
    const { root } = await sandbox(t);
    await symlink("b", path.join(root, "a", "rel"));
    assert.equal(await secureJoin(root, "/a/rel"), path.join(root, "a/b"));
  });

  test("chained symlinks are followed, each inside root", async (t) => {
    const { root } = await sandbox(t);
    await symlink("/l2", path.join(root, "l1"));
    await symlink("../../a", path.join(root, "l2"));
    assert.equal(await secureJoin(root, "/l1/b"), path.join(root, "a/b"));
  });

  test("a symlink loop is an error, not a hang", async (t) => {
    const { root } = await sandbox(t);
    await symlink("/loop", path.join(root, "loop"));
    await assert.rejects(secureJoin(root, "/loop/x"), InvalidArgumentError);
  });

  test("missing components are appended verbatim (dropping ..)", async (t) => {
    const { root } = await sandbox(t);
    const p = await secureJoin(root, "/nope/../../../x");
    assert.ok(inside(root, p), p);
  });
});

describe("mkdirInRoot", () => {
  test("creates nested dirs under root", async (t) => {
    const { root } = await sandbox(t);
    const p = await mkdirInRoot(root, "/var/lib/data");
    assert.equal(p, path.join(root, "var/lib/data"));
    assert.ok((await stat(p)).isDirectory());
  });

  test("through an absolute symlink to a host path, it creates inside root only", async (t) => {
    const { base, root, outside } = await sandbox(t);
    await symlink(outside, path.join(root, "escape"));
    const p = await mkdirInRoot(root, "/escape/made");
    assert.ok(inside(root, p), p);
    assert.deepEqual(await readdir(outside), [], "nothing was created in the host directory");
    assert.deepEqual((await readdir(base)).sort(), ["outside", "root"]);
    assert.ok((await stat(p)).isDirectory());
  });

  test("through a ..-chain symlink, it creates inside root only", async (t) => {
    const { base, root, outside } = await sandbox(t);
    await symlink("../../../../../..", path.join(root, "a", "up"));
    const p = await mkdirInRoot(root, "/a/up/outside/made");
    assert.equal(p, path.join(root, "outside/made"));
    assert.deepEqual(await readdir(outside), []);
    assert.deepEqual((await readdir(base)).sort(), ["outside", "root"]);
  });

  test("an existing directory is fine", async (t) => {
    const { root } = await sandbox(t);
    assert.equal(await mkdirInRoot(root, "/etc"), path.join(root, "etc"));
  });

  test("a regular file in the way is an error", async (t) => {
    const { root } = await sandbox(t);
    await writeFile(path.join(root, "file"), "x");
    await assert.rejects(mkdirInRoot(root, "/file/sub"));
  });
});
