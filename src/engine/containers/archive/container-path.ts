/**
 * Paths given to `docker cp`, resolved the way Docker's container.ResolvePath
 * and statPath do — but always inside the container's root (sys/secure-join):
 * a symlink in the container pointing at "/" or "../../.." means the
 * container's root, never the host's.
 *
 *   absPath    "/" + the cleaned path, keeping a trailing "/" or "/." (they
 *              change what cp means: "dir/." copies the contents)
 *   forRead    resolves every component but the last (GET/HEAD act on a
 *              symlink itself, unless the path ends in "/")
 *   forWrite   resolves all of it (PUT extracts *into* the directory a
 *              final symlink points at, inside the root)
 *
 * The stat header (X-Docker-Container-Path-Stat) carries Go's os.FileMode,
 * not a Unix mode: type bits live in the top bits (dir = 1<<31), which is
 * what the docker CLI tests with IsDir().
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { NotFoundError } from "../../../errors/index.js";
import { secureJoin } from "../../../sys/secure-join.js";

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export function absPath(p: string): string {
  let abs = path.posix.join("/", p);
  if ((p.endsWith("/.") || p === ".") && !abs.endsWith("/.")) abs = abs === "/" ? "/." : `${abs}/.`;
  else if (p.endsWith("/") && !abs.endsWith("/")) abs += "/";
  return abs;
}

/** Go's filepath.Base: trailing slashes dropped, "/" for the root. */
export function goBase(abs: string): string {
  const trimmed = abs.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

export async function resolveForRead(root: string, abs: string): Promise<string> {
  const slash = abs.lastIndexOf("/");
  const dir = await secureJoin(root, abs.slice(0, slash + 1));
  const base = abs.slice(slash + 1);
  return base === "" || base === "." ? dir : path.join(dir, base);
}

export function resolveForWrite(root: string, abs: string): Promise<string> {
  return secureJoin(root, abs);
}

export function notFound(p: string, container: string, cause?: unknown): NotFoundError {
  return new NotFoundError(`Could not find the file ${p} in container ${container}`, { cause });
}

const isMissing = (e: unknown): boolean => ["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "");

/** lstat that turns "no such file" into Docker's 404. */
export async function lstatInContainer(host: string, p: string, container: string) {
  try {
    return await fs.lstat(host, { bigint: true });
  } catch (e) {
    if (isMissing(e)) throw notFound(p, container, e);
    throw e;
  }
}

/** Unix st_mode → Go os.FileMode bits. */
export function goFileMode(mode: number): number {
  let m = mode & 0o777;
  if (mode & 0o4000) m |= 1 << 23;
  if (mode & 0o2000) m |= 1 << 22;
  if (mode & 0o1000) m |= 1 << 20;
  switch (mode & 0o170000) {
    case 0o040000: m |= 1 << 31; break;
    case 0o120000: m |= 1 << 27; break;
    case 0o020000: m |= (1 << 26) | (1 << 21); break;
    case 0o060000: m |= 1 << 26; break;
    case 0o010000: m |= 1 << 25; break;
    case 0o140000: m |= 1 << 24; break;
  }
  return m >>> 0;
}

/** Go's RFC 3339 with nanoseconds, trailing zeros trimmed (time.Time's JSON form). */
export function goTime(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}${frac ? `.${frac}` : ""}Z`;
}

export async function statPath(root: string, p: string, container: string): Promise<{ stat: PathStat; host: string }> {
  const abs = absPath(p);
  const host = await resolveForRead(root, abs);
  const st = await lstatInContainer(host, p, container);
  let linkTarget = "";
  if (st.isSymbolicLink()) linkTarget = path.posix.join("/", path.relative(root, await secureJoin(root, abs)));
  const stat = { name: goBase(abs), size: Number(st.size), mode: goFileMode(Number(st.mode)), mtime: goTime(st.mtimeNs), linkTarget };
  return { stat, host };
}
