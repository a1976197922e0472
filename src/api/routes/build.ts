/**
 * The classic builder's Engine API (reference/docker-engine-api/v1.43.yaml
 * ImageBuild, BuildPrune; wire shapes from transcript 07-build-legacy.txt):
 *
 *   POST /build?t=…&t=…&dockerfile=…&buildargs={json}&target=…&nocache=1
 *              &pull=1&labels={json}&q=1&rm=1&forcerm=1&cachefrom=[json]
 *              &networkmode=…&platform=os/arch
 *        X-Registry-Config: base64url({"host": {username, password, …}})
 *        body: the context as a tar (plain, gzip, bzip2 or xz)
 *   POST /build/prune?all=1&filters=…   → {"CachesDeleted": [...], "SpaceReclaimed": n}
 *
 * Every parameter is checked before the body is read: a bad one is a 400
 * with {"message"}. The 200 and its headers go out with the first output
 * line, so a Dockerfile that does not parse, a missing Dockerfile or a
 * hostile context is still a plain 400; a failure after that (a RUN that
 * exits non-zero, a missing base image) ends the stream with
 * {"errorDetail":{"code"?, "message"}, "error"}, which the docker CLI prints
 * and exits on (with the RUN's code).
 */
import { JsonLinesResponse } from "../json-lines-response.js";
import type { BuildService } from "../../engine/build/build-service.js";
import { RunStepFailedError } from "../../engine/build/steps/run-step.js";
import type { RegistryAuth } from "../../engine/images/image-service.js";
import { tagKeyFor } from "../../engine/images/local-image.js";
import { InvalidArgumentError, NotImplementedError } from "../../errors/index.js";
import { parsePlatformParam } from "../../oci/platform.js";
import { sendJson, type Query } from "../http-io.js";
import type { Router } from "../router.js";

function jsonParam<T>(q: Query, name: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const raw = q.str(name);
  if (raw === undefined || raw === "") return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError(`invalid ${name}: ${what} expected, got ${JSON.stringify(raw.slice(0, 100))}`);
  }
  if (v === null) return undefined;
  if (!check(v)) throw new InvalidArgumentError(`invalid ${name}: ${what} expected`);
  return v;
}

const isStringMap = (v: unknown): v is Record<string, string | null> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string" || x === null);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** X-Registry-Config: base64url JSON {registry: authconfig}; unreadable means none (as moby). */
export function decodeRegistryConfig(header: string | string[] | undefined): Record<string, RegistryAuth> {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return {};
  try {
    const v: unknown = JSON.parse(Buffer.from(h.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
    if (typeof v !== "object" || v === null || Array.isArray(v)) return {};
    const out: Record<string, RegistryAuth> = {};
    for (const [host, a] of Object.entries(v as Record<string, Record<string, unknown>>)) {
      if (typeof a !== "object" || a === null) continue;
      const s = (k: string) => (typeof a[k] === "string" ? (a[k] as string) : undefined);
      const auth: RegistryAuth = {};
      if (s("username")) auth.username = s("username");
      if (s("password")) auth.password = s("password");
      if (s("identitytoken")) auth.identityToken = s("identitytoken");
      if (s("registrytoken")) auth.registryToken = s("registrytoken");
      auth.serverAddress = s("serveraddress") ?? host;
      out[host.replace(/^https?:\/\//, "").replace(/\/.*$/, "")] = auth;
    }
    return out;
  } catch {
    return {};
  }
}

/** The build's platform: only linux/amd64 is built here. */
function buildPlatform(p: string | undefined): { os: string; architecture: string } | undefined {
  const want = parsePlatformParam(p);
  if (!want) return undefined;
  if (want.os !== "linux" || !["amd64", "x86_64"].includes(want.architecture)) throw new InvalidArgumentError(`platform ${p} is not supported: this daemon builds linux/amd64 only`);
  return { os: "linux", architecture: "amd64" };
}

export function addBuildRoutes(r: Router, builds: BuildService, log?: (m: string) => void): void {
  r.add("POST", "/build", async (ctx) => {
    const q = ctx.query;
    if (q.str("remote")) throw new NotImplementedError("remote build contexts (git URLs, remote tarballs) are not supported; send the context as the request body");
    const tagKeys = [...new Set(q.all("t").filter(Boolean).map((t) => tagKeyFor(t)!))];
    const buildArgs: Record<string, string> = {};
    for (const [k, v] of Object.entries(jsonParam(q, "buildargs", isStringMap, "a JSON object of strings") ?? {})) if (v !== null) buildArgs[k] = v;
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(jsonParam(q, "labels", isStringMap, "a JSON object of strings") ?? {})) labels[k] = v ?? "";
    const cacheFrom = jsonParam(q, "cachefrom", isStringList, "a JSON list of strings") ?? [];
    const networkMode = q.str("networkmode") || "default";
    if (!/^(default|none|host|bridge)$/.test(networkMode)) throw new InvalidArgumentError(`network mode ${JSON.stringify(networkMode)} is not supported for builds`);
    const out = new JsonLinesResponse(ctx.res);
    try {
      await builds.build(
        {
          tagKeys,
          dockerfile: q.str("dockerfile") || "Dockerfile",
          buildArgs,
          target: q.str("target") || undefined,
          noCache: q.bool("nocache"),
          pull: q.bool("pull"),
          labels,
          quiet: q.bool("q"),
          rm: q.bool("rm", true),
          forceRm: q.bool("forcerm"),
          cacheFrom,
          networkMode,
          platform: buildPlatform(q.str("platform")),
          auth: decodeRegistryConfig(ctx.req.headers["x-registry-config"]),
          signal: ctx.signal,
        },
        ctx.req,
        { stream: (text) => out.line({ stream: text }), aux: (id) => out.line({ aux: { ID: id } }) },
      );
    } catch (e) {
      // a failed RUN is the user's error: its code goes to the CLI, nothing to log
      const run = e instanceof RunStepFailedError;
      out.fail(e, { code: run ? e.code : undefined, log: run ? undefined : log, what: "build" });
      return;
    }
    out.end();
  });

  r.add("POST", "/build/prune", async (ctx) => {
    const result = await builds.prune({ all: ctx.query.bool("all") });
    sendJson(ctx.res, 200, { CachesDeleted: result.deleted.length ? result.deleted : null, SpaceReclaimed: result.spaceReclaimed });
  });
}
