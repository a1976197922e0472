/**
 * POST /containers/{id}/attach. The docker CLI upgrades the connection
 * ("Connection: Upgrade", "Upgrade: tcp") and gets "101 UPGRADED"; from then
 * on the socket carries raw stdin from the client and framed (or, with a TTY,
 * raw) output to it (transcript 02). The client half-closes when its stdin
 * ends; the daemon closes when the container's output ends. Clients that do
 * not upgrade (dockerode without hijack) get a 200 with the same stream as
 * the body.
 */
import type { ContainerService } from "../../engine/containers/container-service.js";
import { attachOutput, attachStdin, type StdinSink } from "../../engine/containers/attach.js";
import { ConflictError } from "../../errors/index.js";
import { encodeEntry } from "../log-frames.js";
import type { Router } from "../router.js";
import { compareVersions } from "../version.js";
import { detachMatcher } from "../detach-keys.js";
import { skipRequestBody } from "../hijack-input.js";

export function addAttachRoutes(r: Router, svc: ContainerService): void {
  r.add("POST", "/containers/{id}/attach", async (ctx) => {
    const rec = svc.get(ctx.params["id"]!);
    const wantStdin = ctx.query.bool("stdin");
    const stdout = ctx.query.bool("stdout");
    const stderr = ctx.query.bool("stderr");
    const stream = ctx.query.bool("stream");
    const logs = ctx.query.bool("logs");
    if (stream && !logs && (rec.state.status === "exited" || rec.state.status === "dead") && !ctx.upgrade) {
      throw new ConflictError("You cannot attach to a stopped container, start it first");
    }
    const tty = rec.config.tty;
    const detach = detachMatcher(ctx.query.str("detachKeys") || "ctrl-p,ctrl-q");
    let sink: StdinSink | undefined;
    if (wantStdin) sink = attachStdin(svc, rec.id);
    const contentType = tty || compareVersions(ctx.apiVersion, "1.42") < 0 ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";

    let write: (b: Buffer) => boolean;
    let finish: () => void;
    let onDrain: (cb: () => void) => void;
    if (ctx.upgrade) {
      const { socket, head } = ctx.upgrade;
      socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
      // the request body (if any) is dropped first, then detach keys are looked for
      const forwardOrDetach = skipRequestBody(ctx.req, (b) => {
        const { pass, detached } = detach(b);
        if (pass.length) sink!.write(pass);
        if (detached) {
          sink?.destroy();
          socket.end();
        }
      });
      if (sink) {
        if (head.length) forwardOrDetach(head);
        socket.on("data", forwardOrDetach);
        socket.on("end", () => sink!.end());
      } else {
        socket.resume();
      }
      socket.on("close", () => sink?.destroy());
      write = (b) => socket.write(b);
      finish = () => socket.end();
      onDrain = (cb) => socket.once("drain", cb);
    } else {
      ctx.res.writeHead(200, { "Content-Type": contentType });
      ctx.res.flushHeaders();
      if (sink) {
        ctx.req.on("data", (b: Buffer) => sink!.write(b));
        ctx.req.on("end", () => sink!.end());
      }
      write = (b) => ctx.res.write(b);
      finish = () => ctx.res.end();
      onDrain = (cb) => ctx.res.once("drain", cb);
    }
    try {
      for await (const e of attachOutput(svc, rec.id, { stdout, stderr, logs, stream, signal: ctx.signal })) {
        if (!write(encodeEntry(e, { tty, timestamps: false }))) await new Promise<void>((res) => onDrain(res));
      }
    } finally {
      finish();
    }
  });
}
