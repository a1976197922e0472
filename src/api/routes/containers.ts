/**
 * /containers/*: thin handlers that parse, call the container service and
 * translate its records to Docker's JSON. Attach lives in attach.ts.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { ContainerService, WaitCondition } from "../../engine/containers/container-service.js";
import type { ContainerRecord } from "../../engine/containers/types.js";
import type { ImageService } from "../../engine/images/image-service.js";
import { readLog, followLog } from "../../store/logs/k8s-log.js";
import { parseCreateBody } from "../container-wire.js";
import { bindsOf, toInspect, toSummary } from "../container-view.js";
import type { ContainerNetView } from "../network-view.js";
import { readJsonObject, sendJson, sendNoContent } from "../http-io.js";
import { encodeEntry } from "../log-frames.js";
import type { Router } from "../router.js";
import { compareVersions } from "../version.js";
import { matchesFilters, validateContainerFilters } from "./container-filters.js";


function parseSince(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === "") return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError(`invalid value for "${name}": ${JSON.stringify(v)}: must be a unix timestamp`);
  return Number(v);
}

export function addContainerRoutes(r: Router, svc: ContainerService, images: ImageService, netView?: (rec: ContainerRecord) => ContainerNetView): void {
  r.add("POST", "/containers/create", async (ctx) => {
    const name = ctx.query.str("name");
    const body = await readJsonObject(ctx.req);
    const input = parseCreateBody(body, name || undefined);
    const platform = ctx.query.str("platform");
    if (platform && !/^linux(\/(amd64|arm64|386|arm))?/.test(platform)) throw new InvalidArgumentError(`invalid platform: ${platform}`);
    const { id, warnings } = await svc.create(input);
    sendJson(ctx.res, 201, { Id: id, Warnings: warnings });
  });

  r.add("GET", "/containers/json", async (ctx) => {
    const all = ctx.query.bool("all");
    const limit = ctx.query.int("limit") ?? -1;
    const size = ctx.query.bool("size");
    const filters = ctx.query.filters();
    validateContainerFilters(filters);
    const out = [];
    for (const rec of svc.list()) {
      if (!all && !filters["status"] && rec.state.status !== "running" && rec.state.status !== "paused") continue;
      if (!(await matchesFilters(rec, filters, images))) continue;
      const sizes = size ? await svc.sizes(rec.id) : undefined;
      out.push(toSummary(rec, { binds: bindsOf(rec), sizeRw: sizes?.sizeRw, sizeRootFs: sizes?.sizeRootFs, net: netView?.(rec) }));
      if (limit > 0 && out.length >= limit) break;
    }
    sendJson(ctx.res, 200, out);
  });

  /** --network container:ID: the joined container's directory, whose /etc files are shared (none once it is gone). */
  const sharedEtcDir = (rec: ContainerRecord): string | undefined => {
    const mode = rec.hostConfig.networkMode;
    if (!mode.startsWith("container:")) return undefined;
    try {
      const other = svc.find(mode.slice("container:".length));
      return other ? svc.containerDir(other.id) : undefined;
    } catch {
      return undefined; // an ambiguous reference: the container's own paths
    }
  };

  r.add("GET", "/containers/{id}/json", async (ctx) => {
    const rec = svc.get(ctx.params["id"]!);
    const body: Record<string, unknown> = toInspect(rec, { containerDir: svc.containerDir(rec.id), etcDir: sharedEtcDir(rec), logPath: svc.logPath(rec.id), binds: bindsOf(rec), graph: svc.graphData(rec.id), net: netView?.(rec) });
    if (ctx.query.bool("size")) {
      const s = await svc.sizes(rec.id);
      body["SizeRw"] = s.sizeRw;
      body["SizeRootFs"] = s.sizeRootFs;
    }
    sendJson(ctx.res, 200, body);
  });

  r.add("POST", "/containers/{id}/start", async (ctx) => {
    await svc.start(ctx.params["id"]!);
    sendNoContent(ctx.res);
  });

  r.add("POST", "/containers/{id}/stop", async (ctx) => {
    const t = ctx.query.int("t") ?? ctx.query.int("timeout");
    await svc.stop(ctx.params["id"]!, { timeoutSec: t, signal: ctx.query.str("signal") });
    sendNoContent(ctx.res);
  });

  r.add("POST", "/containers/{id}/restart", async (ctx) => {
    const t = ctx.query.int("t") ?? ctx.query.int("timeout");
    await svc.restart(ctx.params["id"]!, { timeoutSec: t, signal: ctx.query.str("signal") });
    sendNoContent(ctx.res);
  });

  r.add("POST", "/containers/{id}/kill", async (ctx) => {
    await svc.kill(ctx.params["id"]!, ctx.query.str("signal") || "SIGKILL");
    sendNoContent(ctx.res);
  });

  r.add("POST", "/containers/{id}/resize", async (ctx) => {
    const h = ctx.query.int("h") ?? 0;
    const w = ctx.query.int("w") ?? 0;
    if (h < 0 || w < 0 || h > 65535 || w > 65535) throw new InvalidArgumentError(`invalid terminal size ${h}x${w}`);
    await svc.resize(ctx.params["id"]!, h, w);
    ctx.res.writeHead(200, { "Content-Length": "0" });
    ctx.res.end();
  });

  r.add("POST", "/containers/{id}/pause", async (ctx) => {
    await svc.pause(ctx.params["id"]!);
    sendNoContent(ctx.res);
  });

  r.add("POST", "/containers/{id}/unpause", async (ctx) => {
    await svc.unpause(ctx.params["id"]!);
    sendNoContent(ctx.res);
  });

  r.add("POST", "/containers/{id}/rename", async (ctx) => {
    const name = ctx.query.str("name");
    if (!name) throw new InvalidArgumentError("Neither old nor new names may be empty");
    await svc.rename(ctx.params["id"]!, name);
    sendNoContent(ctx.res);
  });

  r.add("DELETE", "/containers/{id}", async (ctx) => {
    await svc.remove(ctx.params["id"]!, { force: ctx.query.bool("force"), volumes: ctx.query.bool("v") });
    sendNoContent(ctx.res);
  });

  r.add("POST", "/containers/{id}/wait", async (ctx) => {
    const cond = (ctx.query.str("condition") || "not-running") as WaitCondition;
    if (!["not-running", "next-exit", "removed"].includes(cond)) throw new InvalidArgumentError(`invalid condition: "${cond}"`);
    const rec = svc.get(ctx.params["id"]!);
    // Headers go out at once so the CLI knows the wait is registered (transcript 02).
    ctx.res.writeHead(200, { "Content-Type": "application/json" });
    ctx.res.flushHeaders();
    try {
      const r = await svc.wait(rec.id, cond, ctx.signal);
      // A failed start already reached the client as the start call's error; with --rm (condition
      // "removed") the CLI would print it a second time as "Error waiting for container".
      const error = r.error && cond !== "removed" ? { Message: r.error } : null;
      ctx.res.end(JSON.stringify({ Error: error, StatusCode: r.statusCode }) + "\n");
    } catch {
      ctx.res.destroy();
    }
  });

  r.add("GET", "/containers/{id}/logs", async (ctx) => {
    const rec = svc.get(ctx.params["id"]!);
    const stdout = ctx.query.bool("stdout");
    const stderr = ctx.query.bool("stderr");
    if (!stdout && !stderr) throw new InvalidArgumentError("Bad parameters: you must choose at least one stream");
    const follow = ctx.query.bool("follow");
    const timestamps = ctx.query.bool("timestamps");
    const tailRaw = ctx.query.str("tail") ?? "all";
    let tail: number | undefined;
    if (tailRaw !== "all" && tailRaw !== "") {
      if (!/^-?\d+$/.test(tailRaw)) throw new InvalidArgumentError(`invalid value for "tail": ${JSON.stringify(tailRaw)}`);
      tail = Number(tailRaw) < 0 ? undefined : Number(tailRaw);
    }
    const since = parseSince(ctx.query.str("since"), "since");
    const until = parseSince(ctx.query.str("until"), "until");
    const tty = rec.config.tty;
    const headers: Record<string, string> = {};
    if (compareVersions(ctx.apiVersion, "1.42") >= 0) headers["Content-Type"] = tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
    ctx.res.writeHead(200, headers);
    const opts = { stdout, stderr, since, until, tail };
    const { entries, offset } = await readLog(svc.logPath(rec.id), opts);
    for (const e of entries) ctx.res.write(encodeEntry(e, { tty, timestamps }));
    const running = rec.state.status === "running" || rec.state.status === "paused";
    if (follow && running) {
      const gen0 = svc.exitGen(rec.id);
      for await (const e of followLog(svc.logPath(rec.id), offset, {
        stdout, stderr, since, until, signal: ctx.signal,
        isDone: () => svc.exitGen(rec.id) !== gen0 || !svc.find(rec.id),
        wake: (cb) => {
          svc.events.on(`exit:${rec.id}`, cb);
          return () => svc.events.off(`exit:${rec.id}`, cb);
        },
      })) {
        if (!ctx.res.write(encodeEntry(e, { tty, timestamps }))) await new Promise((r) => ctx.res.once("drain", r));
      }
    }
    ctx.res.end();
  });
}
