/**
 * The docker CLI's own cost, measured against a stub engine that does no
 * work: it answers each Engine API request of the operations bench/ops.ts
 * times (exec, cp in, cp out, stats --no-stream) at once, with canned
 * answers, discarding uploads and serving downloads from a tar file made
 * before timing starts. A real engine cannot be faster than this on the same
 * CLI command, so it is the floor of every figure in ops.ts; its ratio to
 * dockerd's time shows how close to Docker's time any engine could get.
 *
 * Served (all under an optional /v1.xx prefix):
 *   HEAD /_ping · GET /containers/{id}/json · POST /containers/{id}/exec ·
 *   POST /exec/{id}/start (101, then the stream ends: no output, exit 0) ·
 *   GET /exec/{id}/json · HEAD|GET|PUT /containers/{id}/archive ·
 *   GET /events (held open) · GET /containers/json (`containers` entries) ·
 *   GET /containers/{id}/stats?stream=0
 */
import { createReadStream, promises as fs } from "node:fs";
import http from "node:http";
import path from "node:path";

export interface CliFloor {
  name: string;
  socket: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

const API_HEADERS = { "Api-Version": "1.43", "Content-Type": "application/json" };
const ID = "f".repeat(64);

/** Go's os.FileMode of a directory (ModeDir | 0755), as the stat header carries it. */
const DIR_MODE = 2 ** 31 + 0o755;

function statHeader(name: string): string {
  return Buffer.from(JSON.stringify({ name, size: 4096, mode: DIR_MODE, mtime: "2026-11-27T00:00:00Z", linkTarget: "" })).toString("base64");
}

function statsObject(i: number) {
  const cpu = { cpu_usage: { total_usage: 1000, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 10_000_000, online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  return {
    read: new Date().toISOString(), preread: new Date(Date.now() - 1000).toISOString(),
    pids_stats: { current: 1 }, blkio_stats: {}, num_procs: 0, storage_stats: {},
    cpu_stats: cpu, precpu_stats: cpu,
    memory_stats: { usage: 300_000, stats: {}, limit: 1 << 30 },
    name: `/floor${i}`, id: `${i}`.padStart(64, "0"),
  };
}

/**
 * Starts the stub on `<root>/cli-floor.sock`. `tarFile` is what GET archive
 * serves; its entries must be named after the requested path's base name.
 */
export async function startCliFloor(root: string, tarFile: string, containers: number): Promise<CliFloor> {
  const socket = path.join(root, "cli-floor.sock");
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    const p = url.pathname.replace(/^\/v1\.\d+/, "");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, API_HEADERS);
      res.end(JSON.stringify(body));
    };
    const afterBody = (fn: () => void) => {
      req.resume();
      req.on("end", fn);
    };
    if (p === "/_ping") {
      res.writeHead(200, { "Api-Version": "1.43" });
      res.end();
    } else if (p === "/events") {
      res.writeHead(200, API_HEADERS);
      res.flushHeaders();
      held.add(res);
      res.on("close", () => held.delete(res));
    } else if (p === "/containers/json") {
      json(200, Array.from({ length: containers }, (_, i) => ({ Id: `${i}`.padStart(64, "0"), Names: [`/floor${i}`], Image: "busybox", State: "running", Status: "Up" })));
    } else if (/^\/containers\/[^/]+\/stats$/.test(p)) {
      json(200, statsObject(Number(p.split("/")[2]) || 0));
    } else if (p.endsWith("/archive")) {
      const target = url.searchParams.get("path") ?? "/";
      if (req.method === "HEAD") {
        // "/" exists (the copy's parent); anything else does not, so cp in creates it
        res.writeHead(target === "/" ? 200 : 404, target === "/" ? { ...API_HEADERS, "X-Docker-Container-Path-Stat": statHeader("/") } : API_HEADERS);
        res.end();
      } else if (req.method === "PUT") {
        afterBody(() => {
          res.writeHead(200, { "Content-Length": "0" });
          res.end();
        });
      } else {
        res.writeHead(200, { "Content-Type": "application/x-tar", "X-Docker-Container-Path-Stat": statHeader(path.posix.basename(target)) });
        createReadStream(tarFile, { highWaterMark: 1024 * 1024 }).pipe(res);
      }
    } else if (/^\/containers\/[^/]+\/json$/.test(p)) {
      json(200, { Id: ID, Name: "/floor", State: { Status: "running", Running: true, Pid: 1 }, Config: {}, HostConfig: {} });
    } else if (/^\/containers\/[^/]+\/exec$/.test(p)) {
      afterBody(() => json(201, { Id: ID }));
    } else if (/^\/exec\/[^/]+\/json$/.test(p)) {
      json(200, { ID, Running: false, ExitCode: 0, Pid: 1, ContainerID: ID });
    } else {
      json(404, { message: `cli-floor stub: ${req.method} ${p} is not served` });
    }
  });
  // every socket, upgraded ones included (the HTTP server stops tracking those), so close() cannot hang
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
  });
  // POST /exec/{id}/start: the CLI asks for an upgrade; the process "ran" and wrote nothing
  server.on("upgrade", (_req, sock) => {
    sock.end("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => resolve());
  });
  return {
    name: "docker CLI alone",
    socket,
    env: { DOCKER_HOST: `unix://${socket}` },
    close: async () => {
      for (const r of held) r.destroy();
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => server.close(r));
      await fs.rm(socket, { force: true });
    },
  };
}
