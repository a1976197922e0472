/**
 * Who may do what. Terms: an *action* is pull (GET/HEAD), push (POST, PATCH,
 * PUT, DELETE) or catalog; a *principal* is a user proven by HTTP Basic auth
 * against the htpasswd file (or by a bearer token issued to that user), or
 * anonymous.
 *
 * - No htpasswd: everyone may pull and push (anonymous registry).
 * - htpasswd: the policy decides; without a policy every valid user may pull
 *   and push and anonymous may do nothing. Policy rules are tried in order,
 *   the first whose `repository` pattern matches wins; members are user names,
 *   "*" (anyone, anonymous included) or "@authenticated".
 * - read-only: every push is refused with 405 UNSUPPORTED "registry is in
 *   read-only mode" (as distribution's readonly maintenance mode does), before
 *   authentication, so that a client never uploads into a refusal.
 *
 * Two ways of proving who one is (`mode`):
 * - "basic" (default): every /v2/ request carries `Authorization: Basic`.
 *   Missing or wrong credentials where they are needed → 401 UNAUTHORIZED with
 *   `WWW-Authenticate: Basic realm=…`; a valid user without the right → 403 DENIED.
 * - "token": /v2/ requests carry `Authorization: Bearer <token>` from the
 *   registry's own token endpoint (GET /token, see token.ts and
 *   handlers/token.ts), which checks Basic credentials once and grants the
 *   policy's share of the requested scope. No or an invalid/expired token, or
 *   a token lacking the action → 401 with
 *   `WWW-Authenticate: Bearer realm="<url>/token",service="<service>",scope="repository:<name>:<actions>"`
 *   (error="insufficient_scope" / "invalid_token" where it applies), so the
 *   client fetches a token for exactly that scope; a token of a real user
 *   whom the policy refuses the action → 403 DENIED (asking again cannot help).
 *   /v2/ itself accepts any valid token (anonymous ones too).
 *
 * htpasswd formats: "{SHA}" (base64 SHA-1, Apache) and "$apr1$" (Apache MD5)
 * are verified with node:crypto; bcrypt ("$2y$", "$2a$", "$2b$", htpasswd -B)
 * with bcryptjs. A bcrypt check costs milliseconds of CPU by design and the
 * docker client sends its credentials on every request, so successful checks
 * are remembered (in memory, keyed by a SHA-256 of hash and password, at most
 * 1024 entries); failed ones are not.
 */
import { readFileSync } from "node:fs";
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import bcrypt from "bcryptjs";
import { RegistryError } from "./errcodes.js";
import { apr1 } from "./apr1.js";
import { grants, type TokenClaims, type TokenIssuer } from "./token.js";

export type Action = "pull" | "push" | "catalog";

export interface PolicyRule {
  /** "name", "prefix/*" or "*". */
  repository: string;
  pull?: string[];
  push?: string[];
}

export interface AccessOptions {
  readOnly?: boolean;
  /** user → htpasswd hash */
  users?: Map<string, string>;
  rules?: PolicyRule[];
  /** Basic realm. */
  realm?: string;
  /** Set for --auth=token: /v2/ wants bearer tokens signed by this issuer. */
  tokens?: TokenIssuer;
  /** The token endpoint's URL for the Bearer challenge; default <scheme>://<Host header>/token. */
  tokenRealm?: string;
}

const BCRYPT_RE = /^\$2[aby]\$/;

export function parseHtpasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`htpasswd line ${i + 1}: expected user:hash`);
    const hash = line.slice(colon + 1);
    if (BCRYPT_RE.test(hash)) {
      if (!/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash)) throw new Error(`htpasswd line ${i + 1}: malformed bcrypt hash`);
    } else if (!hash.startsWith("{SHA}") && !hash.startsWith("$apr1$")) {
      throw new Error(`htpasswd line ${i + 1}: unsupported hash format (want bcrypt, {SHA} or $apr1$)`);
    }
    users.set(line.slice(0, colon), hash);
  }
  return users;
}

export function loadHtpasswd(file: string): Map<string, string> {
  return parseHtpasswd(readFileSync(file, "utf8"));
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const verified = new Set<string>();
const MAX_VERIFIED = 1024;

export function verifyPassword(hash: string, password: string): boolean {
  if (BCRYPT_RE.test(hash)) {
    const key = createHash("sha256").update(hash).update("\0").update(password).digest("base64");
    if (verified.has(key)) return true;
    let ok = false;
    try {
      ok = bcrypt.compareSync(password, hash);
    } catch {
      ok = false;
    }
    if (ok) {
      if (verified.size >= MAX_VERIFIED) verified.delete(verified.values().next().value!);
      verified.add(key);
    }
    return ok;
  }
  if (hash.startsWith("{SHA}")) return safeEqual(hash, "{SHA}" + createHash("sha1").update(password).digest("base64"));
  if (hash.startsWith("$apr1$")) {
    const salt = hash.slice(6).split("$")[0] ?? "";
    return safeEqual(hash, apr1(password, salt));
  }
  return false;
}

function matches(pattern: string, name: string): boolean {
  if (pattern === "*" || pattern === name) return true;
  return pattern.endsWith("/*") && name.startsWith(pattern.slice(0, -1));
}

function quote(v: string): string {
  return `"${v.replace(/["\\]/g, "\\$&")}"`;
}

export class AccessControl {
  /** "http://127.0.0.1:5000": the listen URL, for a Bearer realm when the Host header is unusable. */
  publicUrl?: string;

  constructor(private readonly opts: AccessOptions = {}) {}

  get authEnabled(): boolean {
    return this.opts.users !== undefined;
  }

  /** The token issuer under --auth=token, else undefined. */
  get tokens(): TokenIssuer | undefined {
    return this.opts.users ? this.opts.tokens : undefined;
  }

  /**
   * The user proven by an `Authorization: Basic` header; undefined for no
   * header; UNAUTHORIZED (Basic challenge) for bad credentials or another scheme.
   */
  basicUser(header: string | undefined): string | undefined {
    if (!header || !this.opts.users) return undefined;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    if (!m) throw this.basicChallenge("unsupported authorization scheme");
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = decoded.slice(0, colon);
    const hash = colon > 0 ? this.opts.users.get(user) : undefined;
    if (!hash || !verifyPassword(hash, decoded.slice(colon + 1))) throw this.basicChallenge("invalid username or password", "incorrect username or password");
    return user;
  }

  basicChallenge(reason = "authentication required", message?: string): RegistryError {
    return new RegistryError("UNAUTHORIZED", { reason }, { message, headers: { "WWW-Authenticate": this.challengeHeader() } });
  }

  challengeHeader(): string {
    return `Basic realm=${quote(this.opts.realm ?? "berth-registry")}`;
  }

  /** The token endpoint URL clients are sent to: the configured realm, or this server as the client reached it. */
  tokenRealm(req: IncomingMessage): string {
    if (this.opts.tokenRealm) return this.opts.tokenRealm;
    const host = req.headers.host;
    const scheme = (req.socket as TLSSocket).encrypted ? "https" : "http";
    // Only a plain host[:port] may go into the header; anything else falls back to the listen address.
    if (host && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) return `${scheme}://${host}/token`;
    return `${this.publicUrl ?? `${scheme}://127.0.0.1`}/token`;
  }

  bearerChallenge(req: IncomingMessage, scope: string | undefined, error?: "invalid_token" | "insufficient_scope", reason = "authentication required"): RegistryError {
    let h = `Bearer realm=${quote(this.tokenRealm(req))},service=${quote(this.opts.tokens!.service)}`;
    if (scope) h += `,scope=${quote(scope)}`;
    if (error) h += `,error=${quote(error)}`;
    return new RegistryError("UNAUTHORIZED", scope ? { reason, scope } : { reason }, { headers: { "WWW-Authenticate": h } });
  }

  /** The policy's answer: may `user` (undefined: anonymous) perform `action` on `name` ("" for /v2/ and the catalog)? */
  allowed(user: string | undefined, action: Action, name: string): boolean {
    if (!this.opts.users) return true;
    if (name === "") return user !== undefined; // /v2/ and the catalog: any valid user
    const rule = (this.opts.rules ?? []).find((r) => matches(r.repository, name));
    const members = rule ? ((action === "pull" ? rule.pull : rule.push) ?? []) : ["@authenticated"];
    return members.includes("*") || (user !== undefined && (members.includes("@authenticated") || members.includes(user)));
  }

  /** Throws the spec error unless `req` may perform `action` on repository `name` ("" for /v2/). */
  check(req: IncomingMessage, action: Action, name: string): void {
    if (this.opts.readOnly && action === "push") {
      throw new RegistryError("UNSUPPORTED", { reason: "read-only" }, { message: "registry is in read-only mode" });
    }
    if (!this.opts.users) return;
    if (this.opts.tokens) return this.checkBearer(req, action, name);
    const user = this.basicUser(req.headers.authorization);
    if (this.allowed(user, action, name)) return;
    if (user === undefined) throw this.basicChallenge();
    throw new RegistryError("DENIED", name === "" ? { action } : { repository: name, action });
  }

  private checkBearer(req: IncomingMessage, action: Action, name: string): void {
    const scope =
      action === "catalog" ? "registry:catalog:*" : name === "" ? undefined : `repository:${name}:${action === "push" ? "pull,push" : "pull"}`;
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? "");
    if (!m) throw this.bearerChallenge(req, scope);
    const claims: TokenClaims | undefined = this.opts.tokens!.verify(m[1]!);
    if (!claims) throw this.bearerChallenge(req, scope, "invalid_token", "invalid or expired token");
    if (scope === undefined) return; // /v2/: any valid token
    const ok = action === "catalog" ? grants(claims, "registry", "catalog", "*") : grants(claims, "repository", name, action);
    if (ok) return;
    const user = claims.sub === "" ? undefined : claims.sub;
    if (user !== undefined && this.opts.users?.has(user) && !this.allowed(user, action, name)) {
      throw new RegistryError("DENIED", name === "" ? { action } : { repository: name, action });
    }
    throw this.bearerChallenge(req, scope, "insufficient_scope", "insufficient scope");
  }
}
