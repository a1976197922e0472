/**
 * berthd's HTTP server: Docker Engine API over a unix socket. It strips the
 * version prefix, routes, turns client disconnects into an AbortSignal, maps
 * errors in one place, and hands upgrade requests (attach: "Connection:
 * Upgrade, Upgrade: tcp") to the same routes with the raw socket.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { sendError } from "./errors.js";
import { Query } from "./http-io.js";
import type { Router } from "./router.js";
import { MAX_API_VERSION, splitVersion } from "./version.js";
import { trace, tracing } from "../sys/trace.js";

export interface ApiServerOptions {
  router: Router;
  serverHeader: string;
  log: (msg: string) => void;
}

export function commonHeaders(serverHeader: string): Record<string, string> {
  return {
    "Api-Version": MAX_API_VERSION,
    "Docker-Experimental": "false",
    Ostype: "linux",
    Server: serverHeader,
  };
}

export function createApiServer(o: ApiServerOptions): http.Server {
  const headers = commonHeaders(o.serverHeader);

  async function dispatch(req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    if (tracing) {
      trace(`api ${req.method} ${req.url}`);
      res.on("finish", () => trace(`api done ${res.statusCode} ${req.method} ${req.url}`));
    }
    const ac = new AbortController();
    const abort = () => ac.abort(new Error("client disconnected"));
    res.on("close", () => {
      if (!res.writableFinished) abort();
    });
    req.socket.on("close", abort);
    try {
      let url: URL;
      try {
        url = new URL(req.url ?? "/", "http://localhost");
      } catch {
        res.writeHead(400, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message: "malformed request URL" }) + "\n");
        return;
      }
      const { version, path } = splitVersion(url.pathname);
      const m = o.router.match(req.method ?? "GET", path.length > 1 ? path.replace(/\/+$/, "") : path);
      if (!("handler" in m)) {
        // Docker answers unknown routes without its API headers (transcript 01)
        res.removeHeader("Api-Version");
        res.removeHeader("Server");
        const body = JSON.stringify({ message: "page not found" }) + "\n";
        res.writeHead(404, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      await m.handler({ req, res, params: m.params, query: new Query(url.searchParams), apiVersion: version, signal: ac.signal, upgrade });
    } catch (err) {
      sendError(res, err, o.log);
    }
  }

  const server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, (req, res) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    void dispatch(req, res);
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const res = new http.ServerResponse(req);
    res.assignSocket(socket as import("node:net").Socket);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    socket.on("error", () => {});
    void dispatch(req, res, { socket, head });
  });

  server.on("clientError", (err, socket) => {
    if (!socket.writable) return socket.destroy();
    const code = (err as NodeJS.ErrnoException).code;
    const status = code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
    const body = JSON.stringify({ message: `bad request: ${code ?? err.message}` });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return server;
}
