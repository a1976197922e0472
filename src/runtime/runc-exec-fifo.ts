/**
 * `runc start` without forking runc. After `runc create`, runc's init process
 * waits, blocked opening <root>/<id>/exec.fifo for writing; `runc start` (runc
 * 1.x libcontainer `exec()`) opens the FIFO for reading, reads what init writes
 * ("0") until init execs the container's command (its end is O_CLOEXEC), and
 * removes the FIFO, which is how `runc state` tells "running" from "created".
 * Doing the same here saves a Go process start (~15-20 ms on this host) on
 * every container start.
 *
 * Returns false, having changed nothing that `runc start` would mind, whenever
 * the fast path cannot be sure: no FIFO (another runtime or layout, or the
 * container is not in "created"), or init never wrote (it died, or took longer
 * than `timeoutMs` to open its end). The caller then runs `runc start`, which
 * reports such cases in its own words.
 */
import { constants, promises as fs } from "node:fs";
import path from "node:path";

export async function startThroughExecFifo(runtimeRoot: string, id: string, timeoutMs = 5000): Promise<boolean> {
  const fifo = path.join(runtimeRoot, id, "exec.fifo");
  const st = await fs.lstat(fifo).catch(() => undefined);
  if (!st?.isFIFO()) return false;
  // A blocking open waits for init's end. Should init be gone, a writer of our own (which cannot
  // block: our reader is already counted) wakes the open and the read sees no data.
  const timer = setTimeout(() => {
    void fs.open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then((h) => h.close(), () => {});
  }, timeoutMs);
  let data: Buffer;
  try {
    const fh = await fs.open(fifo, constants.O_RDONLY);
    try {
      data = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
  // only init writes: data means it ran up to its exec, whoever woke the open
  if (data.length === 0) return false;
  await fs.rm(fifo, { force: true });
  return true;
}
