/**
 * Bearer tokens for the registry token protocol (distribution
 * docs/spec/auth/token.md): on a `Bearer realm=…,service=…` challenge the
 * client GETs `realm?service=…&scope=repository:<name>:pull[,push]`, with
 * Basic credentials when it has them, and receives
 * `{"token"|"access_token": …, "expires_in": seconds}`.
 *
 * Tokens are cached per (realm, service, scopes, credentials) until shortly
 * before they expire (60 s when the server does not say), so a pull that
 * makes dozens of requests asks for one token, and the next pull of the same
 * repository within the lifetime asks for none. The cache is shared across
 * operations by its owner (the image service) and never written to disk.
 */
import { createHash } from "node:crypto";
import { UnauthorizedError } from "../../errors/index.js";
import { basicAuthHeader, hasBasicCredentials, type Credentials } from "./credentials.js";
import { registryError } from "./registry-errors.js";

const DEFAULT_EXPIRY_S = 60;
const MIN_EXPIRY_S = 60;
const EARLY_REFRESH_MS = 5_000;
const MAX_TOKEN_RESPONSE = 1024 * 1024;

interface Entry {
  token: string;
  expiresAt: number;
}

export interface TokenRequest {
  realm: string;
  service?: string;
  scopes: readonly string[];
  credentials?: Credentials;
  signal?: AbortSignal;
}

function credentialKey(c: Credentials | undefined): string {
  if (!hasBasicCredentials(c)) return "anonymous";
  return createHash("sha256").update(`${c.username}\0${c.password ?? ""}\0${c.identityToken ?? ""}`).digest("hex");
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A cached or freshly fetched token; UnauthorizedError when the token server refuses the credentials. */
  async get(req: TokenRequest): Promise<string> {
    const key = [req.realm, req.service ?? "", [...req.scopes].sort().join(" "), credentialKey(req.credentials)].join("|");
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt - EARLY_REFRESH_MS > this.now()) return hit.token;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetchToken(req).then(
        (e) => {
          this.entries.set(key, e);
          return e.token;
        },
      ).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async fetchToken(req: TokenRequest): Promise<Entry> {
    const url = new URL(req.realm);
    if (req.service) url.searchParams.set("service", req.service);
    for (const s of req.scopes) url.searchParams.append("scope", s);
    if (hasBasicCredentials(req.credentials)) url.searchParams.set("account", req.credentials.username);
    const headers: Record<string, string> = {};
    if (hasBasicCredentials(req.credentials)) headers["Authorization"] = basicAuthHeader(req.credentials);
    const res = await fetch(url, { headers, signal: req.signal });
    const text = await res.text();
    if (text.length > MAX_TOKEN_RESPONSE) throw new UnauthorizedError(`token response from ${req.realm} is too large`);
    if (!res.ok) {
      throw registryError(res.status, text, `failed to fetch ${hasBasicCredentials(req.credentials) ? "" : "anonymous "}token from ${url.origin}${url.pathname}`);
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new UnauthorizedError(`token response from ${req.realm} is not JSON`);
    }
    const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
    const token = typeof o["token"] === "string" && o["token"] ? o["token"] : o["access_token"];
    if (typeof token !== "string" || token === "") throw new UnauthorizedError(`token response from ${req.realm} has no token`);
    const expiresIn = typeof o["expires_in"] === "number" && o["expires_in"] > 0 ? Math.max(o["expires_in"], MIN_EXPIRY_S) : DEFAULT_EXPIRY_S;
    return { token, expiresAt: this.now() + expiresIn * 1000 };
  }
}
