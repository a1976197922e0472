/**
 * Client of native/berth-syscalls (protocol in the C file's header): mount(2),
 * umount2(2), lgetxattr(2) and syncfs(2) for berthd's hot paths — container
 * rootfs mounts, build snapshots, the commit path's opaque-dir checks, layer
 * syncs — without spawning mount(8)/umount(8)/sync(1) for each. A spawn forks
 * the whole daemon (7-12 ms wall on a busy 2-core host, part of it blocking
 * the event loop); a request to the helper costs one fork of a tiny process.
 *
 * Lifecycle: one helper per Node process, started on the first call. Its
 * process and pipes are unref'd whenever no call is pending, so it never keeps
 * a test or the CLI alive, and ref'd while one is. If it dies, the calls it
 * still owed reject with an ExecError and the next call starts a new one; it
 * exits by itself when this process closes its stdin or dies.
 *
 * Failures of the calls themselves are SyscallErrors shaped like Node's
 * (`code` "EBUSY", `syscall` "umount2", `path`). Inputs are checked before
 * anything is sent: absolute paths, no NUL anywhere, bounded sizes.
 *
 * PR_SET_PDEATHSIG fires when the *thread* that spawned the helper ends, so
 * the helper must be started from the main thread (as every caller here
 * does), never from a worker.
 *
 * The binary is built by `make -C native` into native/bin/ (scripts/setup.sh);
 * compiled code runs from dist/src/sys/. BERTH_SYSCALLS overrides the path.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import util from "node:util";
import { ExecError, InvalidArgumentError, SyscallError } from "../errors/index.js";
import { trace, tracing } from "./trace.js";

/** mount(2) flags (linux/mount.h) berth uses. */
export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
/** umount2(2) flags. */
export const MNT_FORCE = 0x1;
export const MNT_DETACH = 0x2;
export const UMOUNT_NOFOLLOW = 0x8;

/** The helper's own bounds (MAX_BODY, MAX_MOUNT_DATA in the C file). */
export const MAX_REQUEST_BYTES = 64 * 1024;
export const MAX_MOUNT_DATA_BYTES = 4095;
const ANSWER_HEADER = 12;
const MAX_ANSWER_PAYLOAD = 4096 - ANSWER_HEADER;

export function syscallHelperBinary(): string {
  return process.env["BERTH_SYSCALLS"] ?? fileURLToPath(new URL("../../../native/bin/berth-syscalls", import.meta.url));
}

export interface MountRequest {
  /** "overlay", "tmpfs", a device or a directory to bind */
  source: string;
  target: string;
  fstype: string;
  flags?: number;
  /** the option string ("lowerdir=…,upperdir=…"); at most one page */
  data?: string;
  /** the directory relative paths in `data` are resolved against (the call's own cwd) */
  cwd?: string;
}

interface Pending {
  resolve: (payload: Buffer) => void;
  reject: (err: Error) => void;
  op: string;
  path: string;
}

/** One running helper process and the calls it owes. */
class HelperProcess {
  readonly child: ChildProcess;
  readonly pending = new Map<number, Pending>();
  private buffered: Buffer = Buffer.alloc(0);
  private isReferenced = true;
  isGone = false;

  constructor(binary: string, onGone: (h: HelperProcess) => void) {
    this.child = spawn(binary, ["serve"], { stdio: ["pipe", "pipe", "inherit"] });
    const gone = (why: string, cause?: unknown): void => {
      this.isGone = true;
      onGone(this);
      this.failAll(new ExecError([binary, "serve"], this.child.exitCode, why, { cause }));
    };
    this.child.on("error", (e: NodeJS.ErrnoException) =>
      gone(e.code === "ENOENT" ? `${binary} is missing: build native/ (make -C native, run by scripts/setup.sh)` : String(e), e),
    );
    // An exited helper may still have children finishing calls (a slow umount) that answer
    // through the inherited stdout: only when that closes is nothing more to come.
    this.child.on("exit", () => {
      this.isGone = true;
      onGone(this);
    });
    this.child.on("close", (code, signal) => gone(`syscall helper exited (${signal ?? `code ${code}`}) with ${this.pending.size} call(s) pending`));
    this.child.stdin!.on("error", () => {
      /* EPIPE after the helper died: "close" rejects what is pending */
    });
    this.child.stdout!.on("data", (chunk: Buffer) => this.onData(chunk));
  }

  send(id: number, frame: Buffer, p: Pending): void {
    this.pending.set(id, p);
    this.setReferenced(true);
    this.child.stdin!.write(frame);
  }

  /** Ends stdin (the helper exits at EOF); referenced until it is gone, so a caller can await that. */
  close(): void {
    this.setReferenced(true);
    this.child.stdin!.end();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= ANSWER_HEADER) {
      const id = this.buffered.readUInt32LE(0);
      const errno = this.buffered.readInt32LE(4);
      const len = this.buffered.readUInt32LE(8);
      if (len > MAX_ANSWER_PAYLOAD) {
        this.child.kill("SIGKILL"); // out of step with the protocol: start over
        return;
      }
      if (this.buffered.length < ANSWER_HEADER + len) return;
      const payload = Buffer.from(this.buffered.subarray(ANSWER_HEADER, ANSWER_HEADER + len));
      this.buffered = this.buffered.subarray(ANSWER_HEADER + len);
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      if (errno === 0) p.resolve(payload);
      else p.reject(syscallError(errno, payload.toString() || p.op, p.path));
    }
    if (this.pending.size === 0) this.setReferenced(false);
  }

  private failAll(err: Error): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    this.setReferenced(false);
    for (const p of calls) p.reject(err);
  }

  /** Unref'd while idle so that an idle helper never keeps this process alive. */
  setReferenced(on: boolean): void {
    if (this.isReferenced === on) return;
    this.isReferenced = on;
    for (const h of [this.child, this.child.stdin as unknown as Socket, this.child.stdout as unknown as Socket]) {
      if (on) h.ref();
      else h.unref();
    }
  }
}

function syscallError(errno: number, syscall: string, p: string): SyscallError {
  const code = safe(() => util.getSystemErrorName(-errno)) ?? `E${errno}`;
  const detail = safe(() => util.getSystemErrorMap().get(-errno)?.[1]) ?? `errno ${errno}`;
  return new SyscallError(code, -errno, syscall, p, detail);
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

let current: HelperProcess | undefined;
let nextId = 1;

function helper(): HelperProcess {
  if (!current || current.isGone) {
    current = new HelperProcess(syscallHelperBinary(), (h) => {
      if (current === h) current = undefined;
    });
  }
  return current;
}

function checkField(what: string, v: string): void {
  if (typeof v !== "string" || v.includes("\0")) throw new InvalidArgumentError(`${what}: ${JSON.stringify(v)} contains a NUL byte`);
}

function checkAbsolute(what: string, p: string): void {
  checkField(what, p);
  if (!path.isAbsolute(p)) throw new InvalidArgumentError(`${what}: ${JSON.stringify(p)} is not an absolute path`);
}

function checkFlags(flags: number): void {
  if (!Number.isSafeInteger(flags) || flags < 0 || flags > 0xffffffff) throw new InvalidArgumentError(`bad flags ${flags}`);
}

/** Sends one request; resolves the answer's payload or rejects a SyscallError. */
function call(op: string, fields: string[], subject: string): Promise<Buffer> {
  const body = Buffer.from([op, ...fields].map((f) => `${f}\0`).join(""));
  if (body.length > MAX_REQUEST_BYTES) {
    return Promise.reject(new InvalidArgumentError(`${op} ${subject}: request of ${body.length} bytes exceeds ${MAX_REQUEST_BYTES}`));
  }
  const id = nextId;
  nextId = nextId >= 0xffffffff ? 1 : nextId + 1;
  const frame = Buffer.alloc(8 + body.length);
  frame.writeUInt32LE(body.length, 0);
  frame.writeUInt32LE(id, 4);
  body.copy(frame, 8);
  if (tracing) trace(`sys ${op} ${subject}`);
  return new Promise<Buffer>((resolve, reject) => {
    helper().send(id, frame, {
      resolve: (b) => {
        if (tracing) trace(`sys done ${op} ${subject}`);
        resolve(b);
      },
      reject: (e) => {
        if (tracing) trace(`sys done ${op} ${subject} (${e instanceof SyscallError ? e.code : "failed"})`);
        reject(e);
      },
      op,
      path: subject,
    });
  });
}

export async function mount(r: MountRequest): Promise<void> {
  checkField("mount source", r.source);
  checkField("mount fstype", r.fstype);
  checkAbsolute("mount target", r.target);
  if (r.cwd !== undefined) checkAbsolute("mount cwd", r.cwd);
  const data = r.data ?? "";
  checkField("mount data", data);
  if (Buffer.byteLength(data) > MAX_MOUNT_DATA_BYTES) {
    throw new InvalidArgumentError(`mount ${r.target}: options of ${Buffer.byteLength(data)} bytes exceed the kernel's page (${MAX_MOUNT_DATA_BYTES})`);
  }
  const flags = r.flags ?? 0;
  checkFlags(flags);
  await call("mount", [r.cwd ?? "", r.source, r.fstype, String(flags), data, r.target], r.target);
}

/** umount2(target, flags): MNT_DETACH for a lazy unmount. */
export async function umount(target: string, flags = 0): Promise<void> {
  checkAbsolute("umount target", target);
  checkFlags(flags);
  await call("umount", [target, String(flags)], target);
}

/** Reads an xattr without following a final symlink; undefined when it is not set (ENODATA, ENOTSUP). */
export async function lgetxattr(p: string, name: string): Promise<Buffer | undefined> {
  checkAbsolute("lgetxattr path", p);
  checkField("xattr name", name);
  if (name === "") throw new InvalidArgumentError("lgetxattr: empty xattr name");
  try {
    return await call("lgetxattr", [p, name], p);
  } catch (e) {
    if (e instanceof SyscallError && (e.code === "ENODATA" || e.code === "ENOTSUP")) return undefined;
    throw e;
  }
}

/** syncfs(2) of the filesystem that holds `p` (one call instead of an fsync per file). */
export async function syncfs(p: string): Promise<void> {
  checkAbsolute("syncfs path", p);
  await call("syncfs", [p], p);
}

/** The running helper's pid (for tests); undefined when none is running. */
export function syscallHelperPid(): number | undefined {
  return current && !current.isGone ? current.child.pid : undefined;
}

/** Closes the helper's stdin and waits for it to exit (tests; a clean shutdown). */
export async function stopSyscallHelper(): Promise<void> {
  const h = current;
  if (!h) return;
  current = undefined;
  if (h.child.exitCode !== null || h.child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => h.child.once("close", () => resolve()));
  h.close();
  await closed;
}
