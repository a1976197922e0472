/**
 * A small method+path router. Patterns use `{name}` for one path segment and
 * `{name*}` for the rest (image names contain slashes: /images/{name*}/json
 * is matched by trying the fixed suffix).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Query } from "./http-io.js";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: Query;
  apiVersion: string;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  /** Present when the request asked for a connection upgrade (hijack). */
  upgrade?: { socket: Duplex; head: Buffer };
}

export type Handler = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const re = pattern.replace(/\{(\w+)(\*?)\}/g, (_m, name: string, star: string) => {
      names.push(name);
      return star ? "(.+)" : "([^/]+)";
    });
    this.routes.push({ method, regex: new RegExp(`^${re}$`), names, handler });
    return this;
  }

  /** Finds the handler; `methodMismatch` is true when the path exists with another method. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | { methodMismatch: boolean } {
    let mismatch = false;
    for (const r of this.routes) {
      const m = r.regex.exec(pathname);
      if (!m) continue;
      if (r.method !== method && !(method === "HEAD" && r.method === "GET")) {
        mismatch = true;
        continue;
      }
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]!);
        } catch {
          params[n] = m[i + 1]!;
        }
      });
      return { handler: r.handler, params };
    }
    return { methodMismatch: mismatch };
  }
}
