/**
 * `berth cp [-a] [-L] CONTAINER:SRC DEST|-` and `berth cp [-a] [-L] SRC|- CONTAINER:DEST`,
 * with docker's destination rules: into an existing directory the copy keeps
 * its name; to a path that does not exist it takes that name (the parent must
 * exist); a directory never overwrites a file; `-` streams a tar.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import type { EngineClient } from "../../client/index.js";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";
import { planCopy } from "../cp/cp-args.js";
import { extractTar } from "../cp/tar-extract.js";
import { packLocalPath } from "../cp/tar-pack.js";

interface CpFlags {
  archive?: boolean;
  followLink?: boolean;
}

const S_IFDIR = 0x80000000; // Go's os.ModeDir bit in the path-stat header

async function copyFromContainer(ctx: CliContext, client: EngineClient, container: string, srcPath: string, dest: { kind: "local"; path: string } | { kind: "stream" }, flags: CpFlags): Promise<void> {
  let source = srcPath;
  if (flags.followLink) {
    const st = await client.containerOps.statPath(container, source);
    if (st?.linkTarget) source = st.linkTarget;
  }
  const { stat: srcStat, tar } = await client.containerOps.getArchive(container, source);
  if (dest.kind === "stream") {
    await pipeline(tar, ctx.stdout, { end: false });
    return;
  }
  const srcIsDir = srcStat ? (srcStat.mode & S_IFDIR) !== 0 : false;
  const destPath = path.resolve(dest.path);
  const existing = await stat(destPath).catch(() => undefined);
  if (existing?.isDirectory()) {
    // `cp c:/src/. dst`: the contents, not the directory itself.
    const contentsOnly = srcPath.endsWith("/.");
    await extractTar(tar, { baseDir: destPath, rename: contentsOnly ? "." : undefined, keepOwner: flags.archive });
    return;
  }
  if (existing && srcIsDir) throw new CliError(`cannot copy a directory to a file: "${dest.path}"`);
  if (!existing && dest.path.endsWith("/")) throw new CliError(`"${dest.path}": no such directory`);
  const parent = path.dirname(destPath);
  const parentStat = await stat(parent).catch(() => undefined);
  if (!parentStat?.isDirectory()) throw new CliError(`"${parent}": no such directory`);
  await extractTar(tar, { baseDir: parent, rename: path.basename(destPath), keepOwner: flags.archive });
}

async function copyToContainer(ctx: CliContext, client: EngineClient, container: string, dstPath: string, source: { kind: "local"; path: string } | { kind: "stream" }, flags: CpFlags): Promise<void> {
  const options = { noOverwriteDirNonDir: true, copyUidGid: flags.archive };
  const dstStat = await client.containerOps.statPath(container, dstPath);
  const dstIsDir = dstStat ? (dstStat.mode & S_IFDIR) !== 0 : false;
  if (source.kind === "stream") {
    if (!dstIsDir) throw new CliError(`destination "${container}:${dstPath}" must be a directory`);
    await client.containerOps.putArchive(container, dstPath, ctx.stdin, options);
    return;
  }
  const local = await stat(source.path).catch(() => undefined);
  if (!local) throw new CliError(`lstat ${path.resolve(source.path)}: no such file or directory`);
  if (dstStat && !dstIsDir && local.isDirectory()) throw new CliError("cannot copy directory to a file");
  if (!dstStat && dstPath.endsWith("/")) throw new CliError(`no such directory: "${container}:${dstPath}"`);
  const contentsOnly = source.path.endsWith("/.");
  // Into an existing directory the copy keeps its name; otherwise it becomes dst's last component.
  const [dir, name] = dstIsDir ? [dstPath, contentsOnly ? "." : path.basename(path.resolve(source.path))] : [path.posix.dirname(dstPath), path.posix.basename(dstPath)];
  const tar = await packLocalPath(source.path, name, { followLink: flags.followLink });
  // tar-stream's pack is a streamx stream, not a Node Readable: adapt it for the request body.
  await client.containerOps.putArchive(container, dir, Readable.from(tar), options);
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n       berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH")
    .argument("<src>")
    .argument("<dst>")
    .option("-a, --archive", "Archive mode (copy all uid/gid information)")
    .option("-L, --follow-link", "Always follow symbol link in SRC_PATH")
    .option("-q, --quiet", "Suppress progress output during copy")
    .action(async (src: string, dst: string, flags: CpFlags) => {
      const plan = planCopy(src, dst);
      const client = await ctx.client();
      if (plan.direction === "from-container") await copyFromContainer(ctx, client, plan.container, plan.path, plan.dest, flags);
      else await copyToContainer(ctx, client, plan.container, plan.path, plan.source, flags);
    });
}
