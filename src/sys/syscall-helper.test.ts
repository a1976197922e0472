import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ExecError, InvalidArgumentError, SyscallError } from "../errors/index.js";
import { run } from "./exec.js";
import {
  lgetxattr,
  MNT_DETACH,
  mount,
  MS_RDONLY,
  stopSyscallHelper,
  syncfs,
  syscallHelperBinary,
  syscallHelperPid,
  umount,
} from "./syscall-helper.js";

const fsutil = path.resolve(path.dirname(syscallHelperBinary()), "berth-fsutil");

after(() => stopSyscallHelper());

/** A temp dir removed after the test, with every mount made under it undone first. */
async function tempRoot(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const root = await fs.mkdtemp(path.join(tmpdir(), "berth-syscalls-"));
  t.after(async () => {
    const info = await fs.readFile("/proc/self/mountinfo", "utf8");
    const under = info.split("\n").map((l) => l.split(" ")[4] ?? "").filter((m) => m.startsWith(`${root}/`));
    for (const m of under.reverse()) await run(["umount", "-l", m], { allowFailure: true });
    await fs.rm(root, { recursive: true, force: true });
  });
  return root;
}

/** Mount points under the test's temp dirs have no characters mountinfo escapes. */
async function isMountPoint(p: string): Promise<boolean> {
  const info = await fs.readFile("/proc/self/mountinfo", "utf8");
  return info.split("\n").some((l) => l.split(" ")[4] === p);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(isAlive(pid), false, `process ${pid} still alive`);
}

async function rejectsWith(p: Promise<unknown>, code: string, syscall: string): Promise<SyscallError> {
  const e = await p.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof SyscallError, `not a SyscallError: ${String(e)}`);
  assert.equal(e.code, code);
  assert.equal(e.syscall, syscall);
  assert.match(e.message, new RegExp(code));
  return e;
}

test("mounts and unmounts a tmpfs, read-only flag honoured", async (t) => {
  const root = await tempRoot(t);
  const target = path.join(root, "mnt");
  await fs.mkdir(target);
  await mount({ source: "tmpfs", fstype: "tmpfs", target, data: "size=1m,mode=0755", flags: MS_RDONLY });
  assert.equal(await isMountPoint(target), true);
  await assert.rejects(fs.writeFile(path.join(target, "f"), "x"), { code: "EROFS" });
  await umount(target);
  assert.equal(await isMountPoint(target), false);
});

test("mounts an overlay with lowerdirs relative to the call's cwd", async (t) => {
  const root = await tempRoot(t);
  for (const d of ["layers/a", "layers/b", "upper", "work", "mnt"]) await fs.mkdir(path.join(root, d), { recursive: true });
  await fs.writeFile(path.join(root, "layers/a/from-a"), "a");
  await fs.writeFile(path.join(root, "layers/b/from-b"), "b");
  const target = path.join(root, "mnt");
  await mount({ source: "overlay", fstype: "overlay", target, cwd: path.join(root, "layers"), data: "lowerdir=b:a,upperdir=../upper,workdir=../work" });
  assert.deepEqual((await fs.readdir(target)).sort(), ["from-a", "from-b"]);
  await fs.writeFile(path.join(target, "new"), "n");
  assert.equal(await fs.readFile(path.join(root, "upper/new"), "utf8"), "n");
  // the helper's own cwd is untouched: a relative lowerdir without cwd does not resolve
  await rejectsWith(mount({ source: "overlay", fstype: "overlay", target: path.join(root, "layers/a"), data: "lowerdir=b,upperdir=../upper,workdir=../work" }), "ENOENT", "mount");
  await umount(target);
  assert.equal(await isMountPoint(target), false);
});

test("lgetxattr: a set attribute's bytes, undefined when unset, ENOENT for a missing path", async (t) => {
  const root = await tempRoot(t);
  const f = path.join(root, "f");
  await fs.writeFile(f, "");
  const value = Buffer.from([0, 1, 0xff, 0x79]);
  await run([fsutil, "lsetxattr", f, "trusted.berth-test", value.toString("hex")]);
  assert.deepEqual(await lgetxattr(f, "trusted.berth-test"), value);
  assert.equal(await lgetxattr(f, "trusted.overlay.opaque"), undefined);
  // not followed: the link itself has no attribute
  await fs.symlink("f", path.join(root, "link"));
  assert.equal(await lgetxattr(path.join(root, "link"), "trusted.berth-test"), undefined);
  const e = await rejectsWith(lgetxattr(path.join(root, "missing"), "trusted.x"), "ENOENT", "lgetxattr");
  assert.equal(e.path, path.join(root, "missing"));
});

test("errors carry Node-style code, syscall and path", async (t) => {
  const root = await tempRoot(t);
  const target = path.join(root, "mnt");
  await fs.mkdir(target);
  await rejectsWith(umount(path.join(root, "nope")), "ENOENT", "umount2");
  await rejectsWith(umount(target), "EINVAL", "umount2"); // not a mount point
  await rejectsWith(mount({ source: "x", fstype: "no-such-fs", target }), "ENODEV", "mount");
  await rejectsWith(mount({ source: "tmpfs", fstype: "tmpfs", target, cwd: path.join(root, "nope") }), "ENOENT", "chdir");
  await rejectsWith(syncfs(path.join(root, "nope")), "ENOENT", "open");

  await mount({ source: "tmpfs", fstype: "tmpfs", target, data: "size=1m" });
  const fh = await fs.open(path.join(target, "held"), "w");
  try {
    await rejectsWith(umount(target), "EBUSY", "umount2");
  } finally {
    await fh.close();
  }
  await umount(target);
  assert.equal(await isMountPoint(target), false);
  await syncfs(root);
  const fifo = path.join(root, "fifo"); // opened without waiting for a writer
  await run([fsutil, "mknod", fifo, "10644", "0", "0"]);
  await syncfs(fifo);
});

test("MNT_DETACH unmounts a busy mount lazily", async (t) => {
  const root = await tempRoot(t);
  const target = path.join(root, "mnt");
  await fs.mkdir(target);
  await mount({ source: "tmpfs", fstype: "tmpfs", target, data: "size=1m" });
  const fh = await fs.open(path.join(target, "held"), "w");
  t.after(() => fh.close());
  await umount(target, MNT_DETACH);
  assert.equal(await isMountPoint(target), false);
});

test("hostile input is refused before anything is sent", async () => {
  await stopSyscallHelper();
  const bad: Array<Promise<unknown>> = [
    mount({ source: "tmpfs", fstype: "tmpfs", target: "/tmp/a\0b" }),
    mount({ source: "tmp\0fs", fstype: "tmpfs", target: "/tmp/x" }),
    mount({ source: "tmpfs", fstype: "tmpfs", target: "/tmp/x", data: "size=1m\0,mode=0" }),
    mount({ source: "tmpfs", fstype: "tmpfs", target: "relative/x" }),
    mount({ source: "tmpfs", fstype: "tmpfs", target: "/tmp/x", cwd: "rel" }),
    mount({ source: "tmpfs", fstype: "tmpfs", target: "/tmp/x", data: "x".repeat(4096) }),
    mount({ source: "tmpfs", fstype: "tmpfs", target: "/tmp/x", flags: -1 }),
    umount("/tmp/x", 1.5),
    umount("../etc"),
    lgetxattr("/tmp", "user.\0x"),
    lgetxattr("/tmp", ""),
    syncfs(`/${"a/".repeat(40_000)}`),
  ];
  for (const p of bad) await assert.rejects(p, InvalidArgumentError);
  assert.equal(syscallHelperPid(), undefined, "no helper was started for refused calls");
});

/** Speaks the wire protocol directly, to send what the client never would. */
async function rawExchange(frames: Buffer[], answers: number): Promise<Array<{ id: number; errno: number; payload: string }>> {
  const child = spawn(syscallHelperBinary(), ["serve"], { stdio: ["pipe", "pipe", "inherit"] });
  const out: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => out.push(b));
  for (const f of frames) child.stdin.write(f);
  const parsed: Array<{ id: number; errno: number; payload: string }> = [];
  for (let i = 0; i < 500 && parsed.length < answers; i++) {
    await new Promise((r) => setTimeout(r, 10));
    let buf = Buffer.concat(out);
    parsed.length = 0;
    while (buf.length >= 12 && buf.length >= 12 + buf.readUInt32LE(8)) {
      parsed.push({ id: buf.readUInt32LE(0), errno: buf.readInt32LE(4), payload: buf.subarray(12, 12 + buf.readUInt32LE(8)).toString() });
      buf = buf.subarray(12 + buf.readUInt32LE(8));
    }
  }
  const closed = new Promise((r) => child.once("close", r));
  child.stdin.end();
  await closed;
  assert.equal(child.exitCode, 0, "the helper exits cleanly at EOF");
  return parsed.sort((a, b) => a.id - b.id);
}

function frame(id: number, body: Buffer, len = body.length): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(len, 0);
  h.writeUInt32LE(id, 4);
  return Buffer.concat([h, body]);
}

test("the helper answers malformed and oversized records with an error and keeps serving", async () => {
  const E2BIG = 7;
  const EINVAL = 22;
  const ENOSYS = 38;
  const answers = await rawExchange(
    [
      frame(1, Buffer.alloc(70_000, 0x41)), // over MAX_BODY: discarded
      frame(2, Buffer.from("ping")), // no final NUL
      frame(3, Buffer.from("umount\0/x\0")), // one field short
      frame(4, Buffer.from("chmod\0/x\0")), // unknown op
      frame(5, Buffer.from(`mount\0\0tmpfs\0tmpfs\0notanumber\0\0/tmp/x\0`)),
      frame(6, Buffer.from(`mount\0\0tmpfs\0tmpfs\x000\0${"o".repeat(5000)}\0/tmp/x\0`)), // data over a page
      frame(7, Buffer.from("a\0".repeat(20))), // too many fields
      frame(8, Buffer.alloc(0)),
      frame(9, Buffer.from("ping\0")),
    ],
    9,
  );
  assert.deepEqual(
    answers.map((a) => [a.id, a.errno, a.payload]),
    [
      [1, E2BIG, "request"],
      [2, EINVAL, "request"],
      [3, EINVAL, "request"],
      [4, ENOSYS, "request"],
      [5, EINVAL, "request"],
      [6, EINVAL, "request"],
      [7, EINVAL, "request"],
      [8, EINVAL, "request"],
      [9, 0, ""],
    ],
  );
});

test("many concurrent calls each get their own answer", async (t) => {
  const root = await tempRoot(t);
  const targets = Array.from({ length: 20 }, (_, i) => path.join(root, `m${i}`));
  for (const m of targets) await fs.mkdir(m);
  await Promise.all(targets.map((target) => mount({ source: "tmpfs", fstype: "tmpfs", target, data: "size=1m" })));
  for (const m of targets) assert.equal(await isMountPoint(m), true);
  const files = Array.from({ length: 100 }, (_, i) => path.join(root, `f${i}`));
  for (const f of files) await fs.writeFile(f, "");
  await Promise.all(files.slice(0, 50).map((f, i) => run([fsutil, "lsetxattr", f, "trusted.n", Buffer.from(String(i)).toString("hex")])));
  const values = await Promise.all(files.map((f) => lgetxattr(f, "trusted.n")));
  assert.deepEqual(
    values.map((v) => v?.toString()),
    files.map((_, i) => (i < 50 ? String(i) : undefined)),
  );
  await Promise.all(targets.map((m) => umount(m)));
  for (const m of targets) assert.equal(await isMountPoint(m), false);
});

test("a helper killed mid-flight fails its pending calls; the next call starts a new one", async (t) => {
  const root = await tempRoot(t);
  await syncfs(root);
  const first = syscallHelperPid();
  assert.ok(first);
  process.kill(first, "SIGSTOP"); // stopped: none of the calls below can be answered before the kill
  const calls = Array.from({ length: 50 }, () => syncfs(root).then(() => undefined, (e: unknown) => e));
  await new Promise((r) => setTimeout(r, 20));
  process.kill(first, "SIGKILL");
  const failures = await Promise.all(calls);
  for (const f of failures) {
    assert.ok(f instanceof ExecError, String(f));
    assert.match(f.message, /syscall helper exited \(SIGKILL\)/);
  }
  await syncfs(root);
  const second = syscallHelperPid();
  assert.ok(second && second !== first);
  await waitGone(first);
});

test("the helper exits when its stdin closes, and dies with its parent", async () => {
  await syncfs(tmpdir());
  const pid = syscallHelperPid()!;
  await stopSyscallHelper();
  await waitGone(pid);
  assert.equal(syscallHelperPid(), undefined);

  // A parent killed with SIGKILL cannot close anything: PR_SET_PDEATHSIG takes the helper down.
  const script = `import { syncfs, syscallHelperPid } from ${JSON.stringify(new URL("./syscall-helper.js", import.meta.url).href)};
    await syncfs("/tmp"); process.stdout.write(String(syscallHelperPid()) + "\\n"); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const helperPid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once("data", (b: Buffer) => resolve(Number(b.toString().trim())));
    parent.once("exit", () => reject(new Error("parent exited early")));
  });
  assert.ok(isAlive(helperPid));
  parent.kill("SIGKILL");
  await waitGone(helperPid);
});

test("an idle helper does not keep a process alive", async () => {
  const script = `import { lgetxattr } from ${JSON.stringify(new URL("./syscall-helper.js", import.meta.url).href)};
    console.log(String(await lgetxattr("/tmp", "user.none")));`;
  const res = await run([process.execPath, "--input-type=module", "-e", script], { timeoutMs: 10_000 });
  assert.equal(res.stdout.trim(), "undefined");
});
