/**
 * COPY and ADD: what to copy (context paths and globs, another stage's or an
 * image's files with --from, heredocs, and for ADD remote URLs and local
 * archives, which are unpacked), the cache identity of that content, and the
 * copy itself inside a filesystem step (fs-step.ts).
 *
 * `prepareCopy` does everything that needs no snapshot: it resolves sources,
 * downloads URLs, writes heredocs into the build's scratch dir, and computes
 * the digest for created_by (`COPY file:<hex> in /dst `) and the cache key.
 * `applyCopy` then runs in the mounted snapshot.
 */
import { createHash } from "node:crypto";
import { createWriteStream, createReadStream, promises as fs } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { CopyInstruction } from "../../../build/dockerfile/ast.js";
import { InvalidArgumentError, NotFoundError } from "../../../errors/index.js";
import { resolveUser } from "../../../runtime/index.js";
import { secureJoin } from "../../../sys/secure-join.js";
import { extractInto } from "../../containers/archive/extract.js";
import type { BuildContext } from "../context/build-context.js";
import { decompressAny, peek } from "../context/any-compression.js";
import { DirTree, type SourceTree } from "../context/source-tree.js";
import { contextSourcesDigest, cleanSource, hasGlob, resolveContextSource, type ResolvedSource } from "./copy-sources.js";
import { copyIntoRoot } from "./copy-into-root.js";
import type { LayerTarWriter } from "./layer-tar-writer.js";
import { nop1CreatedBy } from "./created-by.js";

export interface PreparedCopy {
  verb: "COPY" | "ADD";
  sources: ResolvedSource[];
  /** ADD: sources that are local archives to unpack (by index in `sources`) */
  unpack: Set<number>;
  dest: string;
  createdBy: string;
  /** what the cache key needs beyond created_by (chown, chmod) */
  keyExtra: string;
  chown?: string;
  chmod?: number;
}

export interface CopySourceRoots {
  context: BuildContext;
  /** for --from: a mounted root holding the other stage's or image's files, and its image ID */
  fromRoot?: { root: string; imageId: string };
  /** scratch dir for downloads and heredocs */
  scratch: string;
}

const MAX_DOWNLOAD_REDIRECTS = 5;

function download(url: string, file: string, redirects = 0): Promise<{ lastModified?: Date }> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith("https:") ? https.get : http.get;
    const req = get(url, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects < MAX_DOWNLOAD_REDIRECTS) {
        res.resume();
        resolve(download(new URL(res.headers.location, url).toString(), file, redirects + 1));
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new InvalidArgumentError(`failed to download ${url}: server answered ${status}`));
        return;
      }
      const lm = res.headers["last-modified"];
      pipeline(res, createWriteStream(file, { mode: 0o600 })).then(() => resolve({ lastModified: lm ? new Date(lm) : undefined }), reject);
    });
    req.on("error", (e) => reject(new InvalidArgumentError(`failed to download ${url}: ${e.message}`)));
  });
}

async function fileSha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest("hex");
}

/** True when the file is a tar, plain or compressed (ADD unpacks those). */
async function isArchive(tree: SourceTree, rel: string): Promise<boolean> {
  const src = tree.open(rel);
  try {
    const plain = await decompressAny(src);
    const { head, whole } = await peek(plain, 262);
    whole.destroy();
    return head.length >= 262 && head.subarray(257, 262).toString("latin1") === "ustar";
  } catch {
    return false;
  } finally {
    src.destroy();
  }
}

function parseChmod(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(v)) throw new InvalidArgumentError(`invalid chmod parameter ${JSON.stringify(v)}: only octal modes are supported`);
  return parseInt(v, 8);
}

async function resolveFromRoot(root: string, src: string, verb: string): Promise<ResolvedSource[]> {
  const rel = cleanSource(src, verb);
  if (hasGlob(rel)) throw new InvalidArgumentError(`${verb} --from with a wildcard is not supported: ${src}`);
  const host = await secureJoin(root, rel);
  const st = await fs.lstat(host).catch(() => undefined);
  if (!st) throw new NotFoundError(`${verb} failed: stat ${rel}: file does not exist`);
  const type = st.isDirectory() ? "directory" : st.isSymbolicLink() ? "symlink" : "file";
  return [{ tree: new DirTree(root), rel: path.relative(root, host).split(path.sep).join("/"), type, baseName: path.posix.basename(rel) || "." }];
}

export async function prepareCopy(i: CopyInstruction, workdir: string, roots: CopySourceRoots, shell: string[]): Promise<PreparedCopy> {
  const verb = i.kind === "add" ? "ADD" : "COPY";
  const chmod = parseChmod(i.chmod);
  const sources: ResolvedSource[] = [];
  const unpack = new Set<number>();
  const digest = createHash("sha256");
  let kind: "file" | "dir" | "multi" = "file";
  let count = 0;
  for (const src of i.sources) {
    if (verb === "ADD" && /^https?:\/\//.test(src)) {
      const name = path.posix.basename(new URL(src).pathname) || "download";
      const file = path.join(roots.scratch, `url-${sources.length}`);
      await fs.mkdir(file, { recursive: true });
      const host = path.join(file, name);
      const { lastModified } = await download(src, host);
      if (lastModified && !Number.isNaN(lastModified.getTime())) await fs.utimes(host, lastModified, lastModified);
      digest.update(`url ${src} ${await fileSha256(host)}\n`);
      sources.push({ tree: new DirTree(file), rel: name, type: "file", baseName: name, modeOverride: 0o600 });
      count++;
      continue;
    }
    if (roots.fromRoot) {
      const found = await resolveFromRoot(roots.fromRoot.root, src, verb);
      digest.update(`from ${roots.fromRoot.imageId} ${found[0]!.rel}\n`);
      if (found[0]!.type === "directory") kind = "dir";
      sources.push(...found);
      count += found.length;
      continue;
    }
    const found = resolveContextSource(roots.context, src, verb);
    digest.update(contextSourcesDigest(roots.context, found));
    for (const s of found) {
      if (s.type === "directory") kind = "dir";
      if (verb === "ADD" && s.type === "file" && (await isArchive(s.tree, s.rel))) unpack.add(sources.length);
      sources.push(s);
      count++;
    }
  }
  for (const hd of i.heredocs) {
    const dir = path.join(roots.scratch, `heredoc-${sources.length}`);
    await fs.mkdir(dir, { recursive: true });
    const host = path.join(dir, hd.name);
    await fs.writeFile(host, hd.content, { mode: 0o644 });
    digest.update(`heredoc ${hd.name} ${createHash("sha256").update(hd.content).digest("hex")}\n`);
    sources.push({ tree: new DirTree(dir), rel: hd.name, type: "file", baseName: hd.name });
    count++;
  }
  if (count === 0) throw new InvalidArgumentError(`${verb} requires at least two arguments`);
  if (count > 1) kind = "multi";
  const dest = i.dest.startsWith("/") ? i.dest : path.posix.join(workdir || "/", i.dest) + (i.dest.endsWith("/") || i.dest === "." ? "/" : "");
  const hex = digest.digest("hex");
  return {
    verb,
    sources,
    unpack,
    dest,
    createdBy: nop1CreatedBy(shell, `${verb} ${kind}:${hex} in ${i.dest} `),
    keyExtra: i.chown === undefined && i.chmod === undefined ? "" : `chown=${i.chown ?? ""} chmod=${i.chmod ?? ""}`,
    chown: i.chown,
    chmod,
  };
}

/** --chown "user[:group]" in the image's own /etc/passwd and /etc/group; a lone user means gid = uid (Docker). */
async function chownIds(root: string, chown: string | undefined): Promise<{ uid: number; gid: number }> {
  if (!chown) return { uid: 0, gid: 0 };
  const [u, g] = chown.split(":");
  const user = await resolveUser(root, g === undefined ? u! : `${u}:${g}`);
  return { uid: user.uid, gid: g === undefined ? user.uid : user.gid };
}

/** Whether applyCopy can write the layer tar itself (not when ADD unpacks an archive: extraction is not traced). */
export function canStreamLayer(p: PreparedCopy): boolean {
  return p.unpack.size === 0;
}

export async function applyCopy(p: PreparedCopy, root: string, layerTar?: LayerTarWriter): Promise<void> {
  const ids = await chownIds(root, p.chown);
  const opts = { ...ids, chmod: p.chmod, tar: layerTar };
  const plain = p.sources.filter((_, idx) => !p.unpack.has(idx));
  if (plain.length > 0) await copyIntoRoot(root, plain, p.dest, opts, p.verb);
  for (const idx of p.unpack) {
    const destDir = await secureJoin(root, p.dest);
    await fs.mkdir(destDir, { recursive: true });
    const s = p.sources[idx]!;
    const plainTar = await decompressAny(s.tree.open(s.rel));
    await extractInto(plainTar, destDir, { noOverwriteDirNonDir: false });
  }
}
