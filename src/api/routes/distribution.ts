/**
 * Pull, push and login on the Engine API (reference/docker-engine-api/v1.43.yaml
 * ImageCreate, ImagePush, SystemAuth; wire shapes from transcripts 10 and 11):
 *
 *   POST /images/create?fromImage=NAME&tag=TAG[&platform=os/arch]   pull
 *   POST /images/{name}/push?tag=TAG                                 push
 *   POST /auth {username,password,serveraddress}                     login
 *
 * Credentials arrive in the X-Registry-Auth header: base64url JSON of
 * {username,password,serveraddress[,identitytoken,registrytoken]} ("e30=" is
 * "{}", anonymous). A header that does not decode is treated as anonymous,
 * as moby does.
 *
 * Pull and push answer with a stream of JSON progress lines. The 200 and its
 * headers are written only with the first line, so an error before any
 * progress (unknown manifest, bad name) is still a plain 404/500 with
 * {"message"}; an error after it is a final {"errorDetail":{"message"},"error"}
 * line inside the 200, which the docker CLI prints and exits 1 on.
 */
import { JsonLinesResponse } from "../json-lines-response.js";
import { parsePlatformParam } from "../../oci/platform.js";
import { InvalidArgumentError, NotImplementedError } from "../../errors/index.js";
import type { ImageService, ProgressEvent, RegistryAuth } from "../../engine/images/image-service.js";
import { readJsonObject, sendJson } from "../http-io.js";
import type { RouteContext, Router } from "../router.js";

function str(o: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) if (typeof o[k] === "string") return o[k] as string;
  return undefined;
}

function toRegistryAuth(o: Record<string, unknown>): RegistryAuth {
  const a: RegistryAuth = {};
  const set = (k: keyof RegistryAuth, v: string | undefined) => {
    if (v) a[k] = v;
  };
  set("username", str(o, "username", "Username"));
  set("password", str(o, "password", "Password"));
  set("identityToken", str(o, "identitytoken", "IdentityToken"));
  set("registryToken", str(o, "registrytoken", "RegistryToken"));
  set("serverAddress", str(o, "serveraddress", "ServerAddress"));
  return a;
}

/** Decodes X-Registry-Auth; anything unreadable is anonymous. */
export function decodeRegistryAuth(header: string | string[] | undefined): RegistryAuth {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return {};
  try {
    const v: unknown = JSON.parse(Buffer.from(h.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? toRegistryAuth(v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** go-units HumanSize: decimal units, 4 significant digits ("34.82kB", "1.982MB", "512B"). */
export function humanSize(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${parseFloat(n.toPrecision(4))}${units[i]}`;
}

/** moby jsonmessage JSONProgress.String() at the daemon's width: "[=====>     ]  1.2MB/3.4MB". */
export function progressBar(current: number, total: number): string {
  if (current <= 0 && total <= 0) return "";
  if (total <= 0) return humanSize(current).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const box = `[${"=".repeat(pct)}>${" ".repeat(Math.max(0, 50 - pct))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return box + numbers;
}

/** One Docker JSON progress line for an engine progress event. */
export function toProgressMessage(e: ProgressEvent): Record<string, unknown> {
  if (e.aux) return { progressDetail: {}, aux: e.aux };
  const m: Record<string, unknown> = { status: e.status ?? "" };
  if (e.id !== undefined && !e.isMessage) {
    m["progressDetail"] = e.current !== undefined ? { current: e.current, total: e.total } : {};
    if (e.current !== undefined) m["progress"] = progressBar(e.current, e.total ?? 0);
  }
  if (e.id !== undefined) m["id"] = e.id;
  return m;
}

/** The fromImage branch of POST /images/create. */
export async function handlePull(ctx: RouteContext, images: ImageService, fromImage: string): Promise<void> {
  if (!images.pull) throw new NotImplementedError("pulling images from a registry is not supported by this image service");
  const tag = ctx.query.str("tag") ?? "";
  if (!fromImage) throw new InvalidArgumentError("invalid reference format: repository name must have at least one component");
  const ref = tag === "" ? fromImage : tag.includes(":") ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
  const out = new JsonLinesResponse(ctx.res);
  try {
    await images.pull(ref, {
      auth: decodeRegistryAuth(ctx.req.headers["x-registry-auth"]),
      platform: parsePlatformParam(ctx.query.str("platform")),
      signal: ctx.signal,
      onProgress: (e) => out.line(toProgressMessage(e)),
    });
  } catch (e) {
    out.fail(e);
    return;
  }
  out.end({ status: "" });
}

/** POST /images/{name*}/push */
export async function handlePush(ctx: RouteContext, images: ImageService): Promise<void> {
  if (!images.push) throw new NotImplementedError("pushing images to a registry is not supported by this image service");
  const name = ctx.params["name"]!;
  const tag = ctx.query.str("tag") ?? "";
  const out = new JsonLinesResponse(ctx.res);
  try {
    await images.push(tag ? `${name}:${tag}` : name, {
      auth: decodeRegistryAuth(ctx.req.headers["x-registry-auth"]),
      signal: ctx.signal,
      onProgress: (e) => out.line(toProgressMessage(e)),
    });
  } catch (e) {
    out.fail(e);
    return;
  }
  out.end({ status: "" });
}

/** POST /auth (docker login). */
export function addDistributionRoutes(r: Router, images: ImageService): void {
  r.add("POST", "/auth", async (ctx) => {
    if (!images.login) throw new NotImplementedError("login is not supported by this image service");
    const auth = toRegistryAuth(await readJsonObject(ctx.req));
    const result = await images.login(auth, ctx.signal);
    sendJson(ctx.res, 200, { IdentityToken: result.identityToken, Status: result.status });
  });
}
