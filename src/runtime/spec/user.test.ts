import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { resolveInRoot, resolveUser, resolveUserFrom } from "./user.js";

const passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\napp:x:1000:1001::/home/app:/bin/sh\n";
const group = "root:x:0:\nwheel:x:10:root,app\nappgrp:x:1001:\nstaff:x:50:app\n";

test("empty user is root with root's supplementary groups", () => {
  assert.deepEqual(resolveUserFrom("", passwd, group), { uid: 0, gid: 0, additionalGids: [10] });
});

test("name and uid resolve through passwd; supplementary from group members", () => {
  assert.deepEqual(resolveUserFrom("app", passwd, group), { uid: 1000, gid: 1001, additionalGids: [10, 50] });
  assert.deepEqual(resolveUserFrom("1000", passwd, group), { uid: 1000, gid: 1001, additionalGids: [10, 50] });
});

test("numeric uid without entry runs as uid:0; uid:gid numeric needs no entries", () => {
  assert.deepEqual(resolveUserFrom("4242", passwd, group), { uid: 4242, gid: 0, additionalGids: [] });
  assert.deepEqual(resolveUserFrom("4242:4343", undefined, undefined), { uid: 4242, gid: 4343, additionalGids: [] });
});

test("name:group resolves the group by name", () => {
  assert.deepEqual(resolveUserFrom("app:staff", passwd, group), { uid: 1000, gid: 50, additionalGids: [] });
});

test("unknown names fail like Docker", () => {
  assert.throws(() => resolveUserFrom("ghost", passwd, group), /unable to find user ghost: no matching entries in passwd file/);
  assert.throws(() => resolveUserFrom("ghost", undefined, undefined), /unable to find user ghost/);
  assert.throws(() => resolveUserFrom("app:nogroup", passwd, group), /unable to find group nogroup/);
  assert.throws(() => resolveUserFrom("99999999999", passwd, group), /range/);
});

test("resolveUser never follows a symlink out of the rootfs", async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-user-"));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const rootfs = path.join(dir, "rootfs");
  await fs.mkdir(path.join(rootfs, "etc"), { recursive: true });
  // Outside the rootfs: a passwd that must never be read.
  await fs.writeFile(path.join(dir, "passwd"), "evil:x:0:0::/:/bin/sh\n");
  await fs.writeFile(path.join(rootfs, "real-passwd"), "good:x:7:8::/:/bin/sh\n");
  await fs.symlink("../../../../../passwd", path.join(rootfs, "etc", "passwd"));
  await assert.rejects(resolveUser(rootfs, "evil"), /unable to find user evil/);
  await fs.rm(path.join(rootfs, "etc", "passwd"));
  await fs.symlink("/real-passwd", path.join(rootfs, "etc", "passwd"));
  assert.deepEqual(await resolveUser(rootfs, "good"), { uid: 7, gid: 8, additionalGids: [] });
  assert.equal(await resolveInRoot(rootfs, "/etc/passwd"), path.join(rootfs, "real-passwd"));
});

test("a FIFO or a directory at /etc/passwd neither blocks nor counts: numeric users still resolve, names do not", async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "berth-user-fifo-"));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  await fs.mkdir(path.join(root, "etc"));
  execFileSync("mkfifo", [path.join(root, "etc/passwd")]); // nobody ever writes to it: a blocking open would hang
  await fs.mkdir(path.join(root, "etc/group"));
  assert.deepEqual(await resolveUser(root, "0:0"), { uid: 0, gid: 0, additionalGids: [] });
  await assert.rejects(resolveUser(root, "app"), /unable to find user app/);
});
