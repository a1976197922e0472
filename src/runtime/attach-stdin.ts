/**
 * Container stdin through conmon's attach socket, via native/berth-attach
 * (Node cannot open SOCK_SEQPACKET).
 *
 * The helper connects, prints "ready", then copies its stdin into the socket.
 * Ending the returned writable closes the helper's stdin → it shuts the
 * socket down → conmon (started without --leave-stdin-open) closes the
 * container's stdin, which sees EOF. Verified: bytes written before
 * `runtime start` wait in the stdin pipe and are read once the process runs.
 * Output is not taken from here (conmon sends it to attach clients too; the
 * helper drops it) but from conmon's log.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Writable } from "node:stream";
import { ExecError } from "../errors/index.js";
import { spawnAttached } from "../sys/spawn-detached.js";

/** native/bin/berth-attach from the source tree (src/runtime) or the build (dist/src/runtime). */
export async function findAttachHelper(): Promise<string> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, "../../../native/bin/berth-attach"), path.resolve(here, "../../native/bin/berth-attach")];
  for (const c of candidates) {
    if (await fs.access(c, fs.constants.X_OK).then(() => true, () => false)) return c;
  }
  return candidates[0]!;
}

export async function openAttachStdin(helperPath: string, socketPath: string): Promise<Writable> {
  const argv = [helperPath, socketPath];
  const child = await spawnAttached(argv);
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const ready = await new Promise<boolean>((resolve) => {
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("ready\n")) resolve(true);
    });
    void child.exited.then(() => resolve(false));
  });
  child.stdout.resume();
  if (!ready) {
    const code = await child.exited;
    throw new ExecError(argv, code, stderr || "attach helper exited before connecting");
  }
  // The container may exit while we write: EPIPE then is expected, not fatal
  // for berthd (an 'error' without a listener would crash the process).
  child.stdin.on("error", () => {});
  const destroy = child.stdin.destroy.bind(child.stdin);
  child.stdin.destroy = (err?: Error) => {
    child.kill("SIGTERM");
    return destroy(err);
  };
  return child.stdin;
}
