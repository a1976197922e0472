/**
 * The local end of a hijacked attach/exec stream, shared by run, start -a,
 * attach and exec (the docker CLI's hijackedIOStreamer):
 *   - output: raw bytes to stdout with a TTY, stdcopy-demuxed otherwise;
 *   - input: the local stdin copied up the connection (raw mode when it is a
 *     terminal and the stream is a TTY), half-closed at EOF; with a TTY the
 *     detach keys are watched here, swallowed, and end the session as
 *     "detached" (the daemon is told the same keys);
 *   - size: the remote pty follows the local terminal.
 * `done` settles when the output ends ("ended") or the user detached.
 */
import type { AttachStream } from "../../client/index.js";
import type { CliContext } from "../context.js";
import { DEFAULT_DETACH_KEYS, DetachKeysError, EscapeDetector, parseDetachKeys } from "./detach-keys.js";
import { enterRawMode, isTerminal, monitorTtySize, type SignalHost, type TtyInput, type TtyOutput, type TtySize } from "./terminal.js";

export type SessionEnd = "ended" | "detached";

export interface SessionOptions {
  tty: boolean;
  /** Copy the local stdin into the stream. */
  stdin: boolean;
  detachKeys?: string;
  host?: SignalHost;
}

export class AttachedSession {
  readonly done: Promise<SessionEnd>;
  private readonly restoreTerminal: () => void;
  private stopResize: () => void = () => undefined;
  private detach: () => void = () => undefined;
  private stopInput: () => void = () => undefined;
  private readonly output: Promise<void>;

  constructor(
    private readonly ctx: CliContext,
    private readonly stream: AttachStream,
    private readonly options: SessionOptions,
  ) {
    this.restoreTerminal = options.tty && options.stdin ? enterRawMode(ctx.stdin as TtyInput, options.host) : () => undefined;
    this.output = stream.pipeOutput(ctx.stdout, ctx.stderr);
    this.output.catch(() => undefined); // observed through `done`
    const detached = new Promise<SessionEnd>((resolve) => (this.detach = () => resolve("detached")));
    this.done = Promise.race([this.output.then((): SessionEnd => "ended"), detached]);
    if (!options.stdin) stream.closeInput();
  }

  /** Starts copying stdin (after the container/exec has started, like the docker CLI). */
  startInput(): void {
    if (!this.options.stdin) return;
    const input = this.ctx.stdin;
    const detector = this.options.tty ? new EscapeDetector(this.escapeSequence()) : undefined;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      const { forward, detached } = detector ? detector.feed(bytes) : { forward: bytes, detached: false };
      if (forward.length > 0 && !this.stream.socket.destroyed && !this.stream.socket.writableEnded) this.stream.socket.write(forward);
      if (detached) {
        this.stopInput();
        this.detach();
        this.stream.destroy();
      }
    };
    const onEnd = () => {
      this.stopInput();
      this.stream.closeInput();
    };
    input.on("data", onData);
    input.once("end", onEnd);
    input.once("error", onEnd);
    input.resume();
    this.stopInput = () => {
      input.off("data", onData);
      input.off("end", onEnd);
      input.off("error", onEnd);
      input.pause();
    };
  }

  /** Makes the remote terminal follow the local one, when both are terminals. */
  followSize(resize: (size: TtySize) => Promise<void>): void {
    if (!this.options.tty || !isTerminal(this.ctx.stdout)) return;
    this.stopResize = monitorTtySize(this.ctx.stdout as TtyOutput, resize, {
      host: this.options.host,
      onGiveUp: () => this.ctx.stderr.write("failed to resize tty, using default size\n"),
    });
  }

  /** Waits for the end; rethrows an output stream error. */
  async wait(): Promise<SessionEnd> {
    const end = await this.done;
    if (end === "ended") await this.output;
    return end;
  }

  /** Stops input and resize, restores the terminal; safe to call more than once. */
  close(): void {
    this.stopInput();
    this.stopResize();
    this.restoreTerminal();
  }

  private escapeSequence(): Buffer {
    try {
      return parseDetachKeys(this.options.detachKeys || DEFAULT_DETACH_KEYS);
    } catch (err) {
      if (!(err instanceof DetachKeysError)) throw err;
      // docker: "invalid detach escape keys, using default"
      return parseDetachKeys(DEFAULT_DETACH_KEYS);
    }
  }
}
