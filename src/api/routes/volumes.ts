/**
 * /volumes: list (filters dangling, name, label, driver), create (name
 * optional → an anonymous 64-hex name), inspect, remove (?force), prune
 * (filters label, label!, all). Bodies are checked field by field: a wrong
 * type is a 400 naming the field.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { VolumeService } from "../../engine/volumes/volume-service.js";
import { readJsonObject, sendJson, sendNoContent } from "../http-io.js";
import type { Router } from "../router.js";
import { compareVersions } from "../version.js";
import { toApiVolume } from "../volume-view.js";

function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new InvalidArgumentError(`invalid value for ${key}: expected a string`);
  return v;
}

function optStringMap(body: Record<string, unknown>, key: string): Record<string, string> | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new InvalidArgumentError(`invalid value for ${key}: expected an object of strings`);
  for (const x of Object.values(v)) if (typeof x !== "string") throw new InvalidArgumentError(`invalid value for ${key}: expected an object of strings`);
  return { ...(v as Record<string, string>) };
}

export function addVolumeRoutes(r: Router, volumes: VolumeService): void {
  r.add("GET", "/volumes", (ctx) => {
    const list = volumes.list(ctx.query.filters());
    sendJson(ctx.res, 200, { Volumes: list.map((v) => toApiVolume(v, volumes.mountpoint(v.name))), Warnings: null });
  });

  r.add("POST", "/volumes/create", async (ctx) => {
    const body = await readJsonObject(ctx.req, true);
    const rec = await volumes.create({
      name: optString(body, "Name"),
      driver: optString(body, "Driver"),
      labels: optStringMap(body, "Labels"),
      options: optStringMap(body, "DriverOpts"),
    });
    sendJson(ctx.res, 201, toApiVolume(rec, volumes.mountpoint(rec.name)));
  });

  r.add("POST", "/volumes/prune", async (ctx) => {
    const res = await volumes.prune(ctx.query.filters(), { onlyAnonymousByDefault: compareVersions(ctx.apiVersion, "1.42") >= 0 });
    sendJson(ctx.res, 200, { VolumesDeleted: res.deleted.length ? res.deleted : null, SpaceReclaimed: res.spaceReclaimed });
  });

  r.add("GET", "/volumes/{name}", (ctx) => {
    const rec = volumes.get(ctx.params["name"]!);
    sendJson(ctx.res, 200, toApiVolume(rec, volumes.mountpoint(rec.name)));
  });

  r.add("DELETE", "/volumes/{name}", async (ctx) => {
    await volumes.remove(ctx.params["name"]!, { force: ctx.query.bool("force") });
    sendNoContent(ctx.res);
  });
}
