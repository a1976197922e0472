/**
 * resolveUser: Docker's `--user` / image `User` string → uid, gid and
 * supplementary gids, read from the container's own /etc/passwd and
 * /etc/group (libcontainer user.GetExecUserPath semantics):
 *   ""            → root (0:0)
 *   "name"|"uid"  → passwd entry's uid/gid; a numeric uid without an entry
 *                   runs as uid:0
 *   "u:g"         → each side by name or number; names must exist
 * Supplementary gids are the groups that list the user as a member, only when
 * no group was given. An unknown name fails like Docker:
 * "unable to find user x: no matching entries in passwd file".
 *
 * The rootfs is untrusted: /etc/passwd may be a symlink to /etc/shadow of
 * the host ("../../../etc/shadow" or "/etc/shadow"). Paths are resolved
 * component by component with every link re-rooted at rootfs (like
 * filepath-securejoin), so nothing outside the rootfs is ever read.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, type Stats } from "node:fs";
import path from "node:path";
import { InvalidArgumentError } from "../../errors/index.js";
import type { ContainerUser } from "../runtime-driver.js";

const MAX_ID = 2 ** 31 - 1;
const MAX_LINKS = 40;
const MAX_FILE = 4 * 1024 * 1024;

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}
interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Resolves `unsafePath` inside `root` as if root were "/", never leaving it. */
export async function resolveInRoot(root: string, unsafePath: string): Promise<string> {
  return resolveInRootSync(root, unsafePath);
}

/*
 * The account files are read synchronously. They are a few KiB (MAX_FILE
 * caps them) on the local overlay, and an exec reads them on its critical
 * path: as async calls, the lstat-per-component walk, open, fstat, read and
 * close are a dozen thread-pool round trips, which on a loaded host cost
 * milliseconds each where the syscalls cost microseconds. O_NONBLOCK keeps a
 * FIFO planted at /etc/passwd by the container from blocking the open (it is
 * then refused as not a regular file).
 */
function resolveInRootSync(root: string, unsafePath: string): string {
  const pending = unsafePath.split("/").filter((c) => c !== "" && c !== ".");
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === "..") {
      done.pop();
      continue;
    }
    const candidate = path.join(root, ...done, comp);
    let st: Stats | undefined;
    try {
      st = lstatSync(candidate);
    } catch {
      st = undefined;
    }
    if (st?.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new InvalidArgumentError(`too many symlinks resolving ${unsafePath}`);
      const target = readlinkSync(candidate);
      if (target.startsWith("/")) done.length = 0;
      pending.unshift(...target.split("/").filter((c) => c !== "" && c !== "."));
      continue;
    }
    done.push(comp);
  }
  return path.join(root, ...done);
}

/** A regular file of the container's root (e.g. "/etc/passwd"), or undefined when it is missing or not a regular file. */
export function readRootFileSync(rootfs: string, file: string): string | undefined {
  const p = resolveInRootSync(rootfs, file);
  let fd: number;
  try {
    // O_NOFOLLOW: the last component was checked above; refuse if it became a link since.
    fd = openSync(p, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(st.size, MAX_FILE));
    const bytesRead = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const f = line.split(":");
    if (f.length < 4) continue;
    const uid = parseId(f[2]!);
    const gid = parseId(f[3]!);
    if (uid === undefined || gid === undefined) continue;
    out.push({ name: f[0]!, uid, gid });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const f = line.split(":");
    if (f.length < 3) continue;
    const gid = parseId(f[2]!);
    if (gid === undefined) continue;
    out.push({ name: f[0]!, gid, members: (f[3] ?? "").split(",").map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

function parseId(s: string): number | undefined {
  if (!/^\d+$/.test(s.trim())) return undefined;
  return Number(s.trim());
}

function checkRange(id: number): number {
  if (id > MAX_ID) throw new InvalidArgumentError(`uids and gids must be in range 0-${MAX_ID}`);
  return id;
}

/** Pure core of resolveUser, given the file contents (undefined = file absent). */
export function resolveUserFrom(userSpec: string, passwdText: string | undefined, groupText: string | undefined): ContainerUser {
  const [userPart = "", groupPart, ...rest] = userSpec.split(":");
  if (rest.length > 0) throw new InvalidArgumentError(`invalid user: ${userSpec}`);
  const passwd = parsePasswd(passwdText ?? "");
  const groups = parseGroup(groupText ?? "");

  let uid = 0;
  let gid = 0;
  let name: string | undefined = "root";
  if (userPart !== "") {
    const numeric = parseId(userPart);
    const entry = numeric !== undefined ? passwd.find((p) => p.uid === numeric) : passwd.find((p) => p.name === userPart);
    if (entry) {
      ({ uid, gid, name } = entry);
    } else if (numeric !== undefined) {
      uid = checkRange(numeric);
      name = undefined;
    } else {
      throw new InvalidArgumentError(`unable to find user ${userPart}: no matching entries in passwd file`);
    }
  } else {
    const root = passwd.find((p) => p.uid === 0);
    if (root) ({ gid, name } = root);
  }

  if (groupPart !== undefined && groupPart !== "") {
    const numeric = parseId(groupPart);
    const entry = numeric !== undefined ? groups.find((g) => g.gid === numeric) : groups.find((g) => g.name === groupPart);
    if (entry) gid = entry.gid;
    else if (numeric !== undefined) gid = checkRange(numeric);
    else throw new InvalidArgumentError(`unable to find group ${groupPart}: no matching entries in group file`);
    return { uid, gid, additionalGids: [] };
  }
  const additionalGids =
    name === undefined ? [] : [...new Set(groups.filter((g) => g.members.includes(name!)).map((g) => g.gid))];
  return { uid, gid, additionalGids };
}

export async function resolveUser(rootfs: string, userSpec: string): Promise<ContainerUser> {
  const [passwd, group] = [readRootFileSync(rootfs, "/etc/passwd"), readRootFileSync(rootfs, "/etc/group")];
  return resolveUserFrom(userSpec.trim(), passwd, group);
}
