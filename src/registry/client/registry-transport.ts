/**
 * HTTP to one registry for one set of repository scopes, with the auth
 * dance done once and reused.
 *
 * Lifecycle: `ping()` GETs /v2/ on each base URL the endpoint offers (https
 * then http for insecure registries) and keeps the first that answers at
 * all; a 401 there carries the registry's challenge (Basic or Bearer). Every
 * later `request()` sends the matching Authorization: Basic from the
 * credentials, or a Bearer token for this transport's scopes from the shared
 * TokenCache. When a request still gets 401 and its body can be replayed,
 * the challenge of that answer (its scope may be wider) is honoured once and
 * the request retried; a streamed body is never replayed, which is why
 * callers open an upload with a bodyless POST first.
 *
 * Network failures are reported the way Docker's Go client does
 * (`Get "http://127.0.0.1:5009/v2/": dial tcp 127.0.0.1:5009: connect: connection refused`),
 * because users and scripts know that text.
 */
import type { Readable } from "node:stream";
import { UnauthorizedError, UnavailableError } from "../../errors/index.js";
import { parseChallenges, type Challenge } from "./auth-challenge.js";
import { basicAuthHeader, hasBasicCredentials, type Credentials } from "./credentials.js";
import { registryError, statusLine } from "./registry-errors.js";
import type { RegistryEndpoint } from "./registry-host.js";
import type { TokenCache } from "./token-cache.js";

export const USER_AGENT = "berth/0.1.0";

export interface RegistryRequest {
  method: string;
  /** A path under the base ("/v2/x/manifests/1") or an absolute URL (an upload Location). */
  path: string;
  headers?: Record<string, string>;
  /** A Buffer can be replayed after a 401; a stream cannot. */
  body?: Buffer | Readable;
  signal?: AbortSignal;
}

export interface TransportOptions {
  endpoint: RegistryEndpoint;
  credentials?: Credentials;
  tokens: TokenCache;
  /** "repository:<name>:pull" / "repository:<name>:pull,push" scopes for bearer tokens. */
  scopes: string[];
}

function goMethod(m: string): string {
  return m.charAt(0) + m.slice(1).toLowerCase();
}

/** Docker's rendering of a failed dial ("dial tcp 127.0.0.1:5009: connect: connection refused"). */
function networkError(method: string, url: string, err: unknown): UnavailableError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const u = new URL(url);
  const hostPort = `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
  const code = cause?.code ?? "";
  const known: Record<string, string> = {
    ECONNREFUSED: `dial tcp ${hostPort}: connect: connection refused`,
    ECONNRESET: "connection reset by peer",
    ETIMEDOUT: `dial tcp ${hostPort}: i/o timeout`,
    ENOTFOUND: `dial tcp: lookup ${u.hostname}: no such host`,
    EAI_AGAIN: `dial tcp: lookup ${u.hostname}: temporary failure in name resolution`,
  };
  const detail = known[code] ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new UnavailableError(`${goMethod(method)} "${url}": ${detail}`, { cause: err });
}

export class RegistryTransport {
  private base: string | undefined;
  private challenge: Challenge | undefined;
  private scopes: string[];

  constructor(private readonly o: TransportOptions) {
    this.scopes = [...o.scopes];
  }

  get domain(): string {
    return this.o.endpoint.domain;
  }

  url(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    if (!this.base) throw new Error("RegistryTransport used before ping()");
    return this.base + path;
  }

  /** Finds a base URL that answers and learns the auth challenge. Returns the /v2/ status (200 or 401). */
  async ping(signal?: AbortSignal): Promise<number> {
    if (this.base) return 200;
    let lastErr: unknown;
    for (const base of this.o.endpoint.bases) {
      const url = `${base}/v2/`;
      let res: Response;
      try {
        res = await fetch(url, { headers: { "User-Agent": USER_AGENT }, signal });
      } catch (e) {
        if (signal?.aborted) throw e;
        lastErr = networkError("GET", url, e);
        continue;
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.status !== 200 && res.status !== 401) {
        throw registryError(res.status, "", `registry at ${base} does not speak the v2 API (GET /v2/ answered ${statusLine(res.status)})`);
      }
      this.base = base;
      if (res.status === 401) this.challenge = pickChallenge(parseChallenges(res.headers.get("www-authenticate")));
      return res.status;
    }
    throw lastErr;
  }

  /** "basic", "bearer", or undefined when /v2/ answered without a challenge (known after ping). */
  get challengeScheme(): string | undefined {
    return this.challenge?.scheme;
  }

  /** Adds a scope (e.g. pull on a mount's source repository) for later tokens. */
  addScope(scope: string): void {
    if (!this.scopes.includes(scope)) this.scopes.push(scope);
  }

  private async authorization(signal?: AbortSignal): Promise<string | undefined> {
    const creds = this.o.credentials;
    if (creds?.registryToken) return `Bearer ${creds.registryToken}`;
    const ch = this.challenge;
    if (!ch) return undefined;
    if (ch.scheme === "basic") return hasBasicCredentials(creds) ? basicAuthHeader(creds) : undefined;
    if (ch.scheme === "bearer" && ch.params["realm"]) {
      const token = await this.o.tokens.get({ realm: ch.params["realm"], service: ch.params["service"], scopes: this.scopes, credentials: creds, signal });
      return `Bearer ${token}`;
    }
    return undefined;
  }

  /** Sends the request; any status is returned (callers decide what is an error), except network failures and unanswerable 401s. */
  async request(r: RegistryRequest): Promise<Response> {
    await this.ping(r.signal);
    const url = this.url(r.path);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...r.headers };
      const auth = await this.authorization(r.signal);
      if (auth) headers["Authorization"] = auth;
      let res: Response;
      try {
        const init = { method: r.method, headers, body: r.body, signal: r.signal, duplex: "half", redirect: "follow" } as RequestInit;
        res = await fetch(url, init);
      } catch (e) {
        if (r.signal?.aborted) throw r.signal.reason ?? e;
        throw networkError(r.method, url, e);
      }
      if (res.status !== 401) return res;
      const text = await res.text().catch(() => "");
      const ch = pickChallenge(parseChallenges(res.headers.get("www-authenticate")));
      const replayable = r.body === undefined || Buffer.isBuffer(r.body);
      if (attempt === 0 && replayable && ch && (this.challenge === undefined || ch.params["scope"] !== undefined)) {
        this.challenge = ch;
        if (ch.params["scope"]) for (const s of ch.params["scope"].split(" ")) this.addScope(s);
        if (ch.scheme !== "basic" || hasBasicCredentials(this.o.credentials)) continue;
      }
      if (ch?.scheme === "basic" && !hasBasicCredentials(this.o.credentials)) {
        throw new UnauthorizedError(`${goMethod(r.method)} "${url}": no basic auth credentials`);
      }
      throw registryError(401, text);
    }
  }
}

function pickChallenge(cs: Challenge[]): Challenge | undefined {
  return cs.find((c) => c.scheme === "bearer") ?? cs.find((c) => c.scheme === "basic");
}
