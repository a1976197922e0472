/**
 * COPY/ADD sources: where each source lives (the context, another stage's or
 * an image's root filesystem, a downloaded URL, a heredoc), Docker's path
 * rules for them, and the content digest that keys the cache.
 *
 *  - A source is relative to its root; a leading "/" means the root. One that
 *    climbs out (`../x`) is refused with Docker's message.
 *  - Globs (`*`, `?`, `[…]`, Go filepath.Match: `*` stops at "/") match
 *    context paths; a pattern matching nothing is an error, as in Docker.
 *  - The digest covers each source's entries (path below the source, type,
 *    mode, size, content digest (content-digest.ts) or link target), never mtimes or owners, so
 *    touching a file or checking it out again keeps the cache.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { InvalidArgumentError, NotFoundError } from "../../../errors/index.js";
import type { BuildContext } from "../context/build-context.js";
import { ContextTree, type SourceNode, type SourceTree } from "../context/source-tree.js";
import { goPathMatchRegExp } from "../../../text/go-path-match.js";

export interface ResolvedSource {
  /** where the source lives */
  tree: SourceTree;
  /** rel of the source in its tree ("" = the root itself) */
  rel: string;
  type: SourceNode["type"];
  /** name for "dest/" targets (the URL's last segment, the heredoc name, the file's basename) */
  baseName: string;
  /** file mode to give a copied file when not --chmod (ADD URL: 0600) */
  modeOverride?: number;
}

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Cleans a source path; throws Docker's error for one outside the root. */
export function cleanSource(src: string, verb: string): string {
  const norm = path.posix.normalize(`/${src}`).slice(1);
  const raw = path.posix.normalize(src.replace(/^\/+/, ""));
  if (raw === ".." || raw.startsWith("../")) throw new InvalidArgumentError(`${verb} failed: forbidden path outside the build context: ${src} ()`);
  return norm.replace(/\/+$/, "").replace(/^\.$/, "");
}

/** A COPY/ADD source glob (Go's filepath.Match, as Docker's): `*` and `?` never match "/". */
export function globRegExp(pattern: string): RegExp {
  return goPathMatchRegExp(pattern);
}

/** Resolves one context source (glob or not) to its matches; NotFoundError as Docker words it. */
export function resolveContextSource(ctx: BuildContext, src: string, verb: string): ResolvedSource[] {
  const rel = cleanSource(src, verb);
  const tree = new ContextTree(ctx);
  if (hasGlob(rel)) {
    const re = globRegExp(rel);
    const out: ResolvedSource[] = [];
    for (const [k, e] of ctx.entries) if (k !== "" && re.test(k)) out.push({ tree, rel: k, type: e.type, baseName: path.posix.basename(k) });
    if (out.length === 0) throw new NotFoundError(`${verb} failed: no source files were specified`);
    return out.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  }
  const e = ctx.entries.get(rel);
  if (!e) throw new NotFoundError(`${verb} failed: file not found in build context or excluded by .dockerignore: stat ${rel}: file does not exist`);
  return [{ tree, rel, type: e.type, baseName: path.posix.basename(rel) || "." }];
}

/** Digest of context sources: every entry at or below each source, as documented above. */
export function contextSourcesDigest(ctx: BuildContext, sources: readonly ResolvedSource[]): string {
  const h = createHash("sha256");
  for (const s of sources) {
    h.update(`source ${s.rel}\n`);
    const prefix = s.rel === "" ? "" : `${s.rel}/`;
    const rows: string[] = [];
    for (const [k, e] of ctx.entries) {
      if (k !== s.rel && !(s.rel === "" ? k !== "" : k.startsWith(prefix))) continue;
      rows.push(`${k.slice(prefix.length)}\0${e.type}\0${e.mode.toString(8)}\0${e.size}\0${e.digest ?? e.linkname ?? ""}`);
    }
    for (const r of rows.sort()) h.update(`${r}\n`);
  }
  return h.digest("hex");
}
