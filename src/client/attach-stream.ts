/**
 * A hijacked attach (or exec) connection: after `101 UPGRADED` the socket
 * carries stdin one way and output the other (transcripts README, facts 5–7).
 *
 * Lifecycle: output flows until the daemon closes its side (the process
 * exited); input is copied until the client's stdin ends, then the write side
 * is half-closed (`socket.end()`), which the daemon turns into stdin EOF for
 * the process. Without stdin the CLI half-closes right after the upgrade
 * (02-run-rm.txt, "+0.096s FIN").
 */
import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { once } from "node:events";
import { demuxStream } from "../streams/stdcopy.js";

export class AttachStream {
  constructor(
    readonly socket: Socket,
    /** TTY streams are raw; others carry stdcopy frames. Decided by the container's Config.Tty (fact 6). */
    readonly hasTty: boolean,
  ) {}

  /** Copies output to stdout/stderr until the daemon ends the stream. */
  async pipeOutput(stdout: Writable, stderr: Writable): Promise<void> {
    if (this.hasTty) {
      for await (const chunk of this.socket) {
        if (!stdout.write(chunk as Buffer)) await once(stdout, "drain");
      }
      return;
    }
    await demuxStream(this.socket, stdout, stderr);
  }

  /** Copies `input` into the container's stdin, then half-closes. Resolves when input is exhausted. */
  async pipeInput(input: Readable): Promise<void> {
    try {
      for await (const chunk of input) {
        if (this.socket.destroyed || this.socket.writableEnded) break;
        if (!this.socket.write(chunk as Buffer)) await once(this.socket, "drain");
      }
    } finally {
      this.closeInput();
    }
  }

  /** Half-close: no more stdin. Output keeps flowing. */
  closeInput(): void {
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
