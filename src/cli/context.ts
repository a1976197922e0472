/**
 * What a command receives: the streams it writes to, the environment, and a
 * client created on first use from the global `-H/--host` flag (so commands
 * that fail on flag errors never connect).
 */
import type { Readable, Writable } from "node:stream";
import type { EngineClient } from "../client/index.js";

export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  client(): Promise<EngineClient>;
}

export function createContext(getHost: () => string | undefined): CliContext {
  let client: EngineClient | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    async client() {
      if (!client) {
        const { EngineClient, resolveSocketPath } = await import("../client/index.js");
        client = new EngineClient({ socketPath: resolveSocketPath({ flag: getHost(), env: process.env }) });
      }
      return client;
    },
  };
}

/** Writes one line to a stream. */
export function println(stream: Writable, text: string): void {
  stream.write(text + "\n");
}
