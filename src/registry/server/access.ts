/**
 * Who may do what. Terms: an *action* is pull (GET/HEAD), push (POST, PATCH,
 * PUT, DELETE) or catalog; a *principal* is a user proven by HTTP Basic auth
 * against the htpasswd file, or anonymous.
 *
 * - No htpasswd: everyone may pull and push (anonymous registry).
 * - htpasswd: the policy decides; without a policy every valid user may pull
 *   and push and anonymous may do nothing. Policy rules are tried in order,
 *   the first whose `repository` pattern matches wins; members are user names,
 *   "*" (anyone, anonymous included) or "@authenticated".
 * - read-only: every push is refused with 405 UNSUPPORTED "registry is in
 *   read-only mode" (as distribution's readonly maintenance mode does), before
 *   authentication, so that a client never uploads into a refusal.
 * Missing or wrong credentials where they are needed → 401 UNAUTHORIZED with a
 * Basic challenge; a valid user without the right → 403 DENIED.
 *
 * htpasswd formats: "{SHA}" (base64 SHA-1, Apache) and "$apr1$" (Apache MD5)
 * are verified with node:crypto; bcrypt ("$2y$", "$2a$", "$2b$") needs a bcrypt
 * library which berth does not ship yet: such lines are rejected at load time.
 */
import { readFileSync } from "node:fs";
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { RegistryError } from "./errcodes.js";
import { apr1 } from "./apr1.js";

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
  realm?: string;
}

export function parseHtpasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`htpasswd line ${i + 1}: expected user:hash`);
    const hash = line.slice(colon + 1);
    if (/^\$2[aby]\$/.test(hash)) throw new Error(`htpasswd line ${i + 1}: bcrypt hashes are not supported yet (use htpasswd -s for {SHA} or -m for $apr1$)`);
    if (!hash.startsWith("{SHA}") && !hash.startsWith("$apr1$")) throw new Error(`htpasswd line ${i + 1}: unsupported hash format`);
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

export function verifyPassword(hash: string, password: string): boolean {
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

export class AccessControl {
  constructor(private readonly opts: AccessOptions = {}) {}

  get authEnabled(): boolean {
    return this.opts.users !== undefined;
  }

  /** The authenticated user, undefined for anonymous; UNAUTHORIZED for bad credentials. */
  private user(req: IncomingMessage): string | undefined {
    const h = req.headers.authorization;
    if (!h || !this.opts.users) return undefined;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h.trim());
    if (!m) throw this.challenge("unsupported authorization scheme");
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = decoded.slice(0, colon);
    const hash = colon > 0 ? this.opts.users.get(user) : undefined;
    if (!hash || !verifyPassword(hash, decoded.slice(colon + 1))) throw this.challenge("invalid username or password");
    return user;
  }

  challenge(reason = "authentication required"): RegistryError {
    return new RegistryError("UNAUTHORIZED", { reason });
  }

  challengeHeader(): string {
    return `Basic realm="${this.opts.realm ?? "berth-registry"}"`;
  }

  /** Throws the spec error unless `req` may perform `action` on repository `name` ("" for /v2/). */
  check(req: IncomingMessage, action: Action, name: string): void {
    if (this.opts.readOnly && action === "push") {
      throw new RegistryError("UNSUPPORTED", { reason: "read-only" }, { message: "registry is in read-only mode" });
    }
    if (!this.opts.users) return;
    const user = this.user(req);
    if (name === "") {
      // /v2/ and the catalog: any valid user (the docker CLI's login probe).
      if (user === undefined) throw this.challenge();
      return;
    }
    const rule = (this.opts.rules ?? []).find((r) => matches(r.repository, name));
    const members = rule ? (action === "pull" ? rule.pull : rule.push) ?? [] : ["@authenticated"];
    const allowed = members.includes("*") || (user !== undefined && (members.includes("@authenticated") || members.includes(user)));
    if (allowed) return;
    if (user === undefined) throw this.challenge();
    throw new RegistryError("DENIED", { repository: name, action });
  }
}
