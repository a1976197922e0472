/**
 * A container's files over the Engine API: HEAD/GET/PUT
 * /containers/{id}/archive (docker cp), GET /containers/{id}/changes (docker
 * diff) and GET /containers/{id}/export. The work is ContainerFiles'
 * (engine/containers/archive); this file only speaks HTTP:
 *  - HEAD and GET carry the path's stat as base64 JSON in
 *    X-Docker-Container-Path-Stat ({name,size,mode,mtime,linkTarget}, mode
 *    being Go's os.FileMode), which the CLI reads to decide what a copy means;
 *  - tars are streamed; if the client goes away the walk stops.
 */
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ContainerFiles } from "../../engine/containers/archive/container-files.js";
import type { PathStat } from "../../engine/containers/archive/container-path.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { sendJson } from "../http-io.js";
import type { Router } from "../router.js";

export const PATH_STAT_HEADER = "X-Docker-Container-Path-Stat";

export function encodePathStat(s: PathStat): string {
  const ordered = { name: s.name, size: s.size, mode: s.mode, mtime: s.mtime, linkTarget: s.linkTarget };
  return Buffer.from(JSON.stringify(ordered)).toString("base64");
}

/** Streams `tar` as the response body; a client that hangs up just ends it. */
async function streamTar(res: ServerResponse, tar: Readable, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, headers);
  await pipeline(tar, res).catch((e: NodeJS.ErrnoException) => {
    if (res.destroyed || e.code === "ERR_STREAM_PREMATURE_CLOSE") return;
    throw e;
  });
}

function requiredPath(p: string | undefined): string {
  if (p === undefined || p === "") throw new InvalidArgumentError("Path cannot be empty");
  return p;
}

export function addArchiveRoutes(r: Router, files: ContainerFiles): void {
  // The router also sends HEAD here.
  r.add("GET", "/containers/{id}/archive", async (ctx) => {
    const id = ctx.params["id"]!;
    const p = requiredPath(ctx.query.str("path"));
    if (ctx.req.method === "HEAD") {
      const stat = await files.stat(id, p);
      ctx.res.writeHead(200, { [PATH_STAT_HEADER]: encodePathStat(stat), "Content-Type": "application/json" });
      ctx.res.end();
      return;
    }
    await files.read(id, p, (stat, tar) =>
      streamTar(ctx.res, tar, { "Content-Type": "application/x-tar", [PATH_STAT_HEADER]: encodePathStat(stat) }),
    );
  });

  r.add("PUT", "/containers/{id}/archive", async (ctx) => {
    const p = requiredPath(ctx.query.str("path"));
    await files.write(ctx.params["id"]!, p, ctx.req, { noOverwriteDirNonDir: ctx.query.bool("noOverwriteDirNonDir") });
    ctx.res.writeHead(200, { "Content-Length": "0" });
    ctx.res.end();
  });

  r.add("GET", "/containers/{id}/changes", async (ctx) => {
    const changes = await files.changes(ctx.params["id"]!);
    sendJson(ctx.res, 200, changes.length > 0 ? changes : null);
  });

  r.add("GET", "/containers/{id}/export", async (ctx) => {
    await files.export(ctx.params["id"]!, (tar) => streamTar(ctx.res, tar, { "Content-Type": "application/octet-stream" }));
  });
}
