/**
 * Exec endpoints: POST /containers/{id}/exec, POST /exec/{id}/start (hijacked
 * like attach: raw stdin in, framed stdout/stderr out — raw output for a TTY
 * session — the daemon closes when the process' output ends), GET
 * /exec/{id}/json, POST /exec/{id}/resize (TTY sessions: the pty's size).
 */
import type { ExecService } from "../../engine/exec/exec-service.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { readJsonObject, sendJson } from "../http-io.js";
import { frameHeader } from "../log-frames.js";
import { skipRequestBody } from "../hijack-input.js";
import type { Router } from "../router.js";

function strList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new InvalidArgumentError(`invalid value for ${field}: expected a list of strings`);
  return v as string[];
}

function optStr(v: unknown, field: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new InvalidArgumentError(`invalid value for ${field}: expected a string`);
  return v;
}

/** Docker's ConsoleSize: [height, width] or null. */
function consoleSize(v: unknown): { height: number; width: number } | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length !== 2 || v.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < 0)) {
    throw new InvalidArgumentError("invalid value for ConsoleSize: expected [height, width]");
  }
  return v[0] > 0 && v[1] > 0 ? { height: v[0], width: v[1] } : undefined;
}

export function addExecRoutes(r: Router, execs: ExecService): void {
  r.add("POST", "/containers/{id}/exec", async (ctx) => {
    const b = await readJsonObject(ctx.req);
    const id = execs.create(ctx.params["id"]!, {
      args: strList(b["Cmd"], "Cmd"),
      env: strList(b["Env"], "Env"),
      workingDir: optStr(b["WorkingDir"], "WorkingDir"),
      user: optStr(b["User"], "User"),
      privileged: b["Privileged"] === true,
      tty: b["Tty"] === true,
      attachStdin: b["AttachStdin"] === true,
      attachStdout: b["AttachStdout"] !== false,
      attachStderr: b["AttachStderr"] !== false,
      consoleSize: consoleSize(b["ConsoleSize"]),
    });
    sendJson(ctx.res, 201, { Id: id });
  });

  r.add("GET", "/exec/{id}/json", (ctx) => {
    const s = execs.get(ctx.params["id"]!);
    sendJson(ctx.res, 200, {
      CanRemove: false,
      ContainerID: s.containerId,
      DetachKeys: "",
      ExitCode: s.exitCode,
      ID: s.id,
      OpenStderr: s.config.attachStderr,
      OpenStdin: s.config.attachStdin,
      OpenStdout: s.config.attachStdout,
      ProcessConfig: { arguments: s.config.args.slice(1), entrypoint: s.config.args[0], privileged: s.config.privileged, tty: s.config.tty, user: s.config.user },
      Running: s.running,
      Pid: s.pid,
    });
  });

  r.add("POST", "/exec/{id}/resize", async (ctx) => {
    const h = ctx.query.int("h") ?? 0;
    const w = ctx.query.int("w") ?? 0;
    if (h < 0 || w < 0 || h > 65535 || w > 65535) throw new InvalidArgumentError(`invalid terminal size ${h}x${w}`);
    await execs.resize(ctx.params["id"]!, h, w);
    ctx.res.writeHead(200);
    ctx.res.end();
  });

  r.add("POST", "/exec/{id}/start", async (ctx) => {
    const session = execs.get(ctx.params["id"]!);
    let detach = false;
    if (!ctx.upgrade) {
      const b = await readJsonObject(ctx.req, true);
      detach = b["Detach"] === true;
    } else {
      // the body (if any) arrives inside the upgraded stream; the docker CLI sends {"Detach":false,"Tty":false}
      detach = false;
    }
    const proc = await execs.start(session.id);
    if (detach) {
      proc.stdin.end();
      proc.stdout.resume();
      proc.stderr.resume();
      ctx.res.writeHead(200);
      ctx.res.end();
      return;
    }
    let out: { write(b: Buffer): boolean; end(): void };
    if (ctx.upgrade) {
      const { socket, head } = ctx.upgrade;
      socket.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
      const forward = skipRequestBody(ctx.req, (b) => {
        if (session.config.attachStdin) proc.stdin.write(b);
      });
      if (head.length) forward(head);
      socket.on("data", forward);
      socket.on("end", () => proc.stdin.end());
      socket.on("close", () => proc.stdin.end());
      out = { write: (b) => socket.write(b), end: () => socket.end() };
    } else {
      ctx.res.writeHead(200, { "Content-Type": "application/vnd.docker.raw-stream" });
      ctx.req.on("data", (b: Buffer) => session.config.attachStdin && proc.stdin.write(b));
      out = { write: (b) => ctx.res.write(b), end: () => ctx.res.end() };
    }
    if (!session.config.attachStdin) proc.stdin.end();
    proc.stdin.on("error", () => {});
    // a TTY session has one stream, sent raw (no frames), as Docker does
    const tty = session.config.tty;
    const pump = (stream: NodeJS.ReadableStream, id: 1 | 2, wanted: boolean) =>
      new Promise<void>((resolve) => {
        stream.on("data", (b: Buffer) => {
          if (wanted) out.write(tty ? b : Buffer.concat([frameHeader(id, b.length), b]));
        });
        stream.on("end", resolve);
        stream.on("error", () => resolve());
      });
    await Promise.all([pump(proc.stdout, 1, session.config.attachStdout), pump(proc.stderr, 2, session.config.attachStderr), proc.exited]);
    out.end();
  });
}
