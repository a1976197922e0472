/**
 * Bearer tokens of `berth registry serve --auth=token` (distribution
 * docs/spec/auth/token.md and jwt.md, with an HMAC key instead of a
 * certificate: the registry is its own token server).
 *
 * Token: a JWT "base64url(header).base64url(claims).base64url(sig)" with
 *   header {"typ":"JWT","alg":"HS256"}
 *   claims {iss, sub (user, "" for anonymous), aud (the service name), exp,
 *           nbf, iat, jti, access: [{type:"repository", name, actions:[…]}]}
 *   sig    HMAC-SHA256(secret, header "." claims)
 * The secret is 32 random bytes kept in the root (paths.tokenSecretFile(),
 * mode 0600, created on first use), so tokens survive a restart of the
 * server on the same root and are worthless for any other root.
 *
 * Scopes (the `scope` query parameter, repeatable, each may also hold several
 * space-separated scopes): "repository:<name>:<action>[,<action>…]" with
 * actions pull, push, delete or "*", and "registry:catalog:*". The token
 * grants, per resource, the intersection of what was asked for and what the
 * policy (access.ts) allows the caller.
 */
import { promises as fs } from "node:fs";
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import path from "node:path";
import { writeFileAtomic } from "../../durable/atomic-file.js";
import { RegistryError } from "./errcodes.js";
import { isValidName } from "./paths.js";

export interface ResourceAccess {
  type: "repository" | "registry";
  name: string;
  actions: string[];
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: ResourceAccess[];
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: Date;
}

const ISSUER = "berth-registry";
/** Clock skew tolerated on nbf/exp, seconds. */
const LEEWAY_S = 60;
const MAX_TOKEN_LENGTH = 64 * 1024;
const REPOSITORY_ACTIONS = new Set(["pull", "push", "delete", "*"]);

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** Reads the root's token secret, creating it (0600) when absent; a wider mode is narrowed. */
export async function loadOrCreateSecret(file: string): Promise<Buffer> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const st = await fs.stat(file);
      if ((st.mode & 0o077) !== 0) await fs.chmod(file, 0o600);
      const hex = (await fs.readFile(file, "utf8")).trim();
      if (!/^[0-9a-f]{64,}$/.test(hex)) throw new Error(`token secret ${file} is malformed (want at least 64 hex chars); remove it to make a new one`);
      return Buffer.from(hex, "hex");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || attempt > 0) throw e;
    }
    // Written whole under a temp name and renamed: a crash never leaves a short key.
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, randomBytes(32).toString("hex") + "\n", 0o600);
  }
  throw new Error("unreachable");
}

/**
 * Parses one scope. undefined for a scope of a type berth does not serve
 * (ignored, as distribution does); BAD_REQUEST-ish UNSUPPORTED for a malformed one.
 */
export function parseScope(scope: string): ResourceAccess | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last === first) throw new RegistryError("UNSUPPORTED", { scope: scope.slice(0, 300) }, { status: 400, message: "invalid scope" });
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope.slice(last + 1).split(",").filter((a) => a !== "");
  if (type === "registry") return name === "catalog" ? { type, name, actions: actions.filter((a) => a === "*") } : undefined;
  // "repository(plugin)" and other classes: no such resources here.
  if (type !== "repository") return undefined;
  if (!isValidName(name)) throw new RegistryError("UNSUPPORTED", { scope: scope.slice(0, 300) }, { status: 400, message: "invalid scope: bad repository name" });
  return { type, name, actions: [...new Set(actions.filter((a) => REPOSITORY_ACTIONS.has(a)))] };
}

/** Every scope of a token request (repeated `scope` parameters, each possibly space-separated). */
export function requestedScopes(values: string[]): ResourceAccess[] {
  const out: ResourceAccess[] = [];
  for (const v of values) {
    for (const s of v.split(" ")) {
      if (s === "") continue;
      const r = parseScope(s);
      if (r) out.push(r);
    }
  }
  return out;
}

export class TokenIssuer {
  constructor(
    private readonly secret: Buffer,
    readonly service: string,
    readonly ttlSeconds = 300,
  ) {}

  private sign(data: string): string {
    return createHmac("sha256", this.secret).update(data).digest("base64url");
  }

  issue(sub: string, access: ResourceAccess[], now = Date.now()): IssuedToken {
    const iat = Math.floor(now / 1000);
    const claims: TokenClaims = { iss: ISSUER, sub, aud: this.service, exp: iat + this.ttlSeconds, nbf: iat, iat, jti: randomUUID(), access };
    const head = b64url(JSON.stringify({ typ: "JWT", alg: "HS256" })) + "." + b64url(JSON.stringify(claims));
    return { token: head + "." + this.sign(head), expiresIn: this.ttlSeconds, issuedAt: new Date(iat * 1000) };
  }

  /** The claims of a token this issuer signed and that is valid now, else undefined. */
  verify(token: string, now = Date.now()): TokenClaims | undefined {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const [h, c, s] = parts as [string, string, string];
    const want = Buffer.from(this.sign(`${h}.${c}`));
    const got = Buffer.from(s);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    let header: { alg?: unknown };
    let claims: TokenClaims;
    try {
      header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg?: unknown };
      claims = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as TokenClaims;
    } catch {
      return undefined;
    }
    if (header.alg !== "HS256" || claims.iss !== ISSUER || claims.aud !== this.service || typeof claims.sub !== "string") return undefined;
    const t = now / 1000;
    if (typeof claims.exp !== "number" || typeof claims.nbf !== "number" || t > claims.exp + LEEWAY_S || t < claims.nbf - LEEWAY_S) return undefined;
    if (!Array.isArray(claims.access)) return undefined;
    return claims;
  }
}

/** Whether `claims` grant `action` ("pull", "push", "*" for catalog) on the resource. */
export function grants(claims: TokenClaims, type: ResourceAccess["type"], name: string, action: string): boolean {
  return claims.access.some((a) => a.type === type && a.name === name && Array.isArray(a.actions) && (a.actions.includes(action) || a.actions.includes("*")));
}
