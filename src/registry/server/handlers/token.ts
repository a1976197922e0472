/**
 * The token endpoint of `--auth=token` (distribution docs/spec/auth/token.md):
 *
 *   GET /token?service=<service>&scope=repository:<name>:pull,push[&scope=…]
 *   Authorization: Basic <user:password from the htpasswd file>   (optional)
 *   → 200 {"token", "access_token", "expires_in", "issued_at"}
 *
 * Without Authorization the caller is anonymous and gets what the policy
 * grants "*"; bad credentials → 401 UNAUTHORIZED with a Basic challenge
 * (so `docker login` with a wrong password fails here). Each requested
 * resource is granted the actions that are both requested and allowed
 * (access.ts), possibly none; an unknown `service` → 400. "delete" is
 * granted with push; "*" only to whom may pull and push.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AccessControl } from "../access.js";
import { RegistryError } from "../errcodes.js";
import { drain, sendJson } from "../http-util.js";
import { requestedScopes, type ResourceAccess } from "../token.js";

export async function tokenEndpoint(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, access: AccessControl): Promise<void> {
  const issuer = access.tokens!;
  if (req.method !== "GET" && req.method !== "HEAD") throw new RegistryError("UNSUPPORTED", { method: req.method }, { message: "method not allowed" });
  await drain(req);
  const service = query.get("service");
  if (service !== null && service !== issuer.service) {
    throw new RegistryError("UNSUPPORTED", { service: service.slice(0, 200) }, { status: 400, message: `unknown service (this registry is ${issuer.service})` });
  }
  const user = access.basicUser(req.headers.authorization);
  const granted: ResourceAccess[] = [];
  for (const r of requestedScopes(query.getAll("scope"))) {
    let actions: string[];
    if (r.type === "registry") {
      actions = r.actions.includes("*") && access.allowed(user, "catalog", "") ? ["*"] : [];
    } else {
      const pull = access.allowed(user, "pull", r.name);
      const push = access.allowed(user, "push", r.name);
      actions = r.actions.filter((a) => (a === "pull" ? pull : a === "push" || a === "delete" ? push : pull && push));
    }
    const same = granted.find((g) => g.type === r.type && g.name === r.name);
    if (same) same.actions = [...new Set([...same.actions, ...actions])];
    else granted.push({ type: r.type, name: r.name, actions });
  }
  const t = issuer.issue(user ?? "", granted);
  sendJson(
    res,
    200,
    { token: t.token, access_token: t.token, expires_in: t.expiresIn, issued_at: t.issuedAt.toISOString() },
    { "Cache-Control": "no-store", Pragma: "no-cache" },
  );
}
