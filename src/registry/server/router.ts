/**
 * Routes `/v2/…` requests to the handlers, and is the one place where errors
 * become responses: a RegistryError gets its table status and the spec's JSON
 * body; anything else is a 500 (logged through `onError`).
 *
 * The raw request path is matched without URL normalisation (so "a/../b"
 * reaches the name check and fails it instead of being resolved), then the
 * name and reference are percent-decoded and the name validated against the
 * spec grammar before any handler or path builder sees it.
 *
 * Under --auth=token, `/token` (outside /v2/) is the token endpoint
 * (handlers/token.ts); otherwise it does not exist.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { AccessControl, type Action } from "./access.js";
import { RegistryError, errorBody, isRegistryError } from "./errcodes.js";
import { sendJson } from "./http-util.js";
import { checkName } from "./paths.js";
import { apiProbe, catalog } from "./handlers/base.js";
import { deleteBlob, getBlob } from "./handlers/blobs.js";
import { deleteManifest, getManifest, putManifest } from "./handlers/manifests.js";
import { listReferrers, listTags } from "./handlers/tags.js";
import { tokenEndpoint } from "./handlers/token.js";
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from "./handlers/uploads.js";
import type { Handler, RegistryStores } from "./handlers/context.js";

interface Route {
  re: RegExp;
  methods: Record<string, Handler>;
  /** Routes without a repository name. */
  global?: boolean;
}

const ROUTES: Route[] = [
  { re: /^\/v2\/?$/, methods: { GET: apiProbe, HEAD: apiProbe }, global: true },
  { re: /^\/v2\/_catalog$/, methods: { GET: catalog }, global: true },
  { re: /^\/v2\/(.+)\/tags\/list$/, methods: { GET: listTags } },
  { re: /^\/v2\/(.+)\/manifests\/([^/]+)$/, methods: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest } },
  { re: /^\/v2\/(.+)\/blobs\/uploads\/?$/, methods: { POST: startUpload } },
  { re: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, methods: { GET: uploadStatus, PATCH: patchUpload, PUT: finishUpload, DELETE: cancelUpload } },
  { re: /^\/v2\/(.+)\/blobs\/([^/]+)$/, methods: { GET: getBlob, HEAD: getBlob, DELETE: deleteBlob } },
  { re: /^\/v2\/(.+)\/referrers\/([^/]+)$/, methods: { GET: listReferrers } },
];

function actionOf(method: string, global: boolean | undefined, pathname: string): Action {
  if (global) return pathname.startsWith("/v2/_catalog") ? "catalog" : "pull";
  return method === "GET" || method === "HEAD" ? "pull" : "push";
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return "\u0000invalid";
  }
}

export interface RouterOptions {
  access?: AccessControl;
  onError?: (err: unknown, req: IncomingMessage) => void;
}

export function createRouter(stores: RegistryStores, opts: RouterOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const access = opts.access ?? new AccessControl();
  return (req, res) => {
    void handle(req, res).catch((err) => fail(req, res, err));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
    const method = req.method ?? "GET";
    if (pathname === "/token" && access.tokens) {
      await tokenEndpoint(req, res, query, access);
      return;
    }
    for (const route of ROUTES) {
      const m = route.re.exec(pathname);
      if (!m) continue;
      const handler = route.methods[method];
      if (!handler) throw new RegistryError("UNSUPPORTED", { method }, { message: "method not allowed" });
      const name = route.global ? "" : checkName(decode(m[1]!));
      access.check(req, actionOf(method, route.global, pathname), name);
      const mayPull = (repo: string): boolean => {
        try {
          access.check(req, "pull", repo);
          return true;
        } catch {
          return false;
        }
      };
      await handler({ ...stores, req, res, name, ref: m[2] !== undefined ? decode(m[2]) : "", pathname, query, mayPull });
      return;
    }
    throw new RegistryError("NAME_UNKNOWN", { path: pathname.slice(0, 200) }, { status: 404, message: "no such endpoint" });
  }

  function fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    // The client went away (aborted upload, closed download): nothing to answer, nothing to log.
    const gone = req.destroyed && !req.complete;
    if (res.headersSent || gone || (err as NodeJS.ErrnoException)?.code === "ECONNRESET") {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    // A body we did not read (413, refused push): do not keep reading it on this connection.
    if (!req.complete) headers["Connection"] = "close";
    if (isRegistryError(err)) {
      Object.assign(headers, err.headers);
      if (err.code === "UNAUTHORIZED" && !headers["WWW-Authenticate"]) headers["WWW-Authenticate"] = access.challengeHeader();
      sendJson(res, err.status, errorBody(err), headers);
    } else {
      opts.onError?.(err, req);
      sendJson(res, 500, { errors: [{ code: "UNKNOWN", message: "internal error" }] }, headers);
    }
    if (!req.complete) req.resume();
  }
}
