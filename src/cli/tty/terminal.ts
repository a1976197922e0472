/**
 * The client side of a TTY session, as the docker CLI's hijack.go and
 * tty.go do it:
 *   - raw mode on the local terminal while stdin is attached to a TTY
 *     container, restored exactly once: on normal end, on errors (the 'exit'
 *     hook) and on SIGTERM/SIGHUP;
 *   - the remote pty follows the local size: one resize right after start
 *     (retried up to 10 times, 10ms·n apart, since the process may not be up
 *     yet), then one per SIGWINCH.
 * The process and streams are parameters so tests can pass fakes.
 */
import { spawnSync } from "node:child_process";
import type { EventEmitter } from "node:events";

export interface TtyInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface TtyOutput {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface TtySize {
  height: number;
  width: number;
}

/** The process-like object whose signals and exit we listen to. */
export type SignalHost = Pick<EventEmitter, "on" | "off" | "listenerCount"> & { exit(code?: number): never | void };

const RESTORE_SIGNALS = { SIGTERM: 15, SIGHUP: 1 } as const;

export function isTerminal(stream: unknown): boolean {
  return Boolean((stream as TtyInput | undefined)?.isTTY);
}

/**
 * libuv's raw mode keeps output post-processing (ONLCR), so the container's
 * "\r\n" would reach the screen as "\r\r\n"; moby's term.MakeRaw clears OPOST.
 * Node has no termios call, so stty does it on our stdin (the terminal);
 * setRawMode(false) later restores the saved original termios, OPOST included.
 */
function clearOutputProcessing(): void {
  spawnSync("stty", ["-opost"], { stdio: ["inherit", "ignore", "ignore"] });
}

/** Puts `input` in raw mode when it is a terminal; returns an idempotent restore. */
export function enterRawMode(input: TtyInput, host: SignalHost = process, rawOutput: () => void = clearOutputProcessing): () => void {
  if (!input.isTTY || !input.setRawMode) return () => undefined;
  input.setRawMode(true);
  rawOutput();
  let restored = false;
  const handlers: Array<[string, () => void]> = [];
  const restore = () => {
    if (restored) return;
    restored = true;
    input.setRawMode?.(false);
    for (const [event, handler] of handlers) host.off(event, handler);
  };
  handlers.push(["exit", restore]);
  for (const [signal, number] of Object.entries(RESTORE_SIGNALS)) {
    handlers.push([
      signal,
      () => {
        restore();
        // Alone on this signal we replaced Node's default (die), so die the same way.
        if (host.listenerCount(signal) === 0) host.exit(128 + number);
      },
    ]);
  }
  for (const [event, handler] of handlers) host.on(event, handler);
  return restore;
}

export function terminalSize(output: TtyOutput): TtySize | undefined {
  if (!output.isTTY || !output.rows || !output.columns) return undefined;
  return { height: output.rows, width: output.columns };
}

export interface MonitorOptions {
  host?: SignalHost;
  /** Called when the first resize still fails after all retries. */
  onGiveUp?: () => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Sends the size now (with retries) and on every SIGWINCH; returns a stop function. */
export function monitorTtySize(output: TtyOutput, resize: (size: TtySize) => Promise<void>, options: MonitorOptions = {}): () => void {
  const host = options.host ?? process;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  let stopped = false;
  const send = () => {
    const size = terminalSize(output);
    return size ? resize(size) : Promise.resolve();
  };
  void (async () => {
    for (let attempt = 0; attempt <= 10 && !stopped; attempt++) {
      if (attempt > 0) await sleep(attempt * 10);
      if (stopped) return;
      try {
        await send();
        return;
      } catch {
        // not running yet, or already gone: retry
      }
    }
    if (!stopped) options.onGiveUp?.();
  })();
  const onWinch = () => void send().catch(() => undefined);
  host.on("SIGWINCH", onWinch);
  return () => {
    stopped = true;
    host.off("SIGWINCH", onWinch);
  };
}
