/**
 * HTTP/1.1 over the daemon's unix socket, with Docker's API version
 * negotiation (transcripts README, fact 1): the first call sends
 * `HEAD /_ping` on the unversioned path, reads `Api-Version`, and every later
 * path is prefixed with `/v<min(ours, theirs)>`. A missing header means 1.24.
 *
 * Sequential calls share one keep-alive connection as the docker CLI does;
 * hijacked and long-polling calls (attach, wait) get a connection of their own
 * (fact 4) because they never give it back.
 */
import http, { type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { Socket } from "node:net";
import { API_VERSION } from "../apitypes/index.js";
import { DaemonUnreachableError, daemonErrorFromBody } from "./errors.js";

export type QueryValue = string | number | boolean | undefined | null;
export type Query = Record<string, QueryValue | QueryValue[]>;

export interface RequestOptions {
  query?: Query;
  /** A JSON value (serialised with a trailing "\n" like Go's encoder) or a raw stream (sent chunked). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Use a fresh connection that is not returned to the keep-alive pool. */
  dedicated?: boolean;
  signal?: AbortSignal;
}

export interface Hijacked {
  socket: Socket;
  response: IncomingMessage;
}

const USER_AGENT = "berth-client/0.1.0";

/** true → "1" (what the docker CLI sends); false/undefined are left out. */
export function buildQuery(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, raw] of Object.entries(query)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined || value === null || value === false) continue;
      params.append(key, value === true ? "1" : String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Escapes a path segment but keeps "/", ":" and "@" so image refs read as the docker CLI sends them (06 transcript). */
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(/%40/g, "@");
}

export class HttpTransport {
  private readonly agent: http.Agent;
  private versionPrefix: Promise<string> | undefined;

  constructor(
    readonly socketPath: string,
    private readonly pinnedVersion?: string,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  /** The negotiated API version, e.g. "1.41". */
  async apiVersion(): Promise<string> {
    return (await this.prefix()).slice(2);
  }

  private prefix(): Promise<string> {
    this.versionPrefix ??= this.negotiate().then((v) => `/v${v}`);
    return this.versionPrefix;
  }

  private async negotiate(): Promise<string> {
    if (this.pinnedVersion) return this.pinnedVersion;
    let res = await this.send("HEAD", "/_ping", {});
    // The docker CLI retries with GET when HEAD is not answered 200/500.
    if (res.statusCode !== 200 && res.statusCode !== 500) {
      res.resume();
      res = await this.send("GET", "/_ping", {});
    }
    res.resume();
    const header = res.headers["api-version"];
    const theirs = typeof header === "string" && header ? header : "1.24";
    return compareVersions(theirs, API_VERSION) < 0 ? theirs : API_VERSION;
  }

  /** A request on the versioned path; resolves with the response once its status is 2xx, else throws DaemonError. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await this.send(method, (await this.prefix()) + path, options);
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    if (status === 304) {
      res.resume();
      throw daemonErrorFromBody(304, "");
    }
    throw daemonErrorFromBody(status, await readText(res));
  }

  /** Unversioned request: for /_ping, which is answered on every path. */
  async requestRaw(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    return this.send(method, path, options);
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const text = await readText(await this.request(method, path, options));
    return (text.trim() ? JSON.parse(text) : undefined) as T;
  }

  /** A request whose body is ignored (204/201 with empty bodies). */
  async call(method: string, path: string, options: RequestOptions = {}): Promise<void> {
    (await this.request(method, path, options)).resume();
  }

  /**
   * Sends `Connection: Upgrade` / `Upgrade: tcp` and resolves with the raw
   * socket after `101 UPGRADED` (fact 5). Bytes that arrived in the same read
   * as the 101 headers are put back in front of the socket. Any other status
   * is an ordinary HTTP error (404 no such container, 409 paused…).
   */
  async hijack(method: string, path: string, options: RequestOptions = {}): Promise<Hijacked> {
    const fullPath = (await this.prefix()) + path + buildQuery(options.query);
    // exec start carries {"Detach":false,"Tty":…} on the upgrade request.
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body) + "\n");
    return new Promise<Hijacked>((resolve, reject) => {
      const req = http.request({
        socketPath: this.socketPath,
        method,
        path: fullPath,
        agent: false,
        headers: {
          "User-Agent": USER_AGENT,
          "Content-Type": payload ? "application/json" : "text/plain",
          ...(payload ? { "Content-Length": String(payload.length) } : {}),
          Connection: "Upgrade",
          Upgrade: "tcp",
          ...options.headers,
        },
      });
      req.on("upgrade", (response, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve({ socket: socket as Socket, response });
      });
      req.on("response", (res) => {
        readText(res).then((text) => reject(daemonErrorFromBody(res.statusCode ?? 0, text)), reject);
      });
      req.on("error", (err) => reject(this.wrapConnectError(err)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
    const { body } = options;
    const isStream = body instanceof Readable;
    const payload = body === undefined || isStream ? undefined : Buffer.from(JSON.stringify(body) + "\n");
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...options.headers };
    if (payload) {
      headers["Content-Type"] ??= "application/json";
      headers["Content-Length"] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const req = http.request({
        socketPath: this.socketPath,
        method,
        path: path + buildQuery(options.query),
        agent: options.dedicated ? false : this.agent,
        headers,
        signal: options.signal,
      });
      req.on("response", resolve);
      req.on("error", (err) => reject(this.wrapConnectError(err)));
      if (isStream) {
        // A stream becomes a chunked request body (load, import: fact 13).
        (body as Readable).on("error", (err) => req.destroy(err));
        (body as Readable).pipe(req);
      } else {
        req.end(payload);
      }
    });
  }

  private wrapConnectError(err: Error & { code?: string }): Error {
    if (err.code === "ENOENT" || err.code === "ECONNREFUSED" || err.code === "EACCES") {
      return new DaemonUnreachableError(this.socketPath, { cause: err });
    }
    return err;
  }
}

export async function readText(res: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Compares dotted API versions numerically ("1.9" < "1.41"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
