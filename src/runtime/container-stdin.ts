/**
 * A container's stdin, written straight into its stdin pipe.
 *
 * conmon (-i) creates a pipe for the container's stdin and keeps the write
 * end; its attach socket copies packets into it. Feeding data through that
 * socket lost data or EOF in a fair share of fast `printf x | docker run -i …`
 * runs here (conmon 2.1.6 handles connection, packets and hang-up in separate
 * main-loop turns). So berth writes the bytes itself: /proc/<pid>/fd/0 opened
 * for writing is another write end of the same pipe, and a write to it is in
 * the pipe when it returns. EOF needs every write end closed: ours, then
 * conmon's, which conmon closes when an attach client hangs up — the helper
 * (native/berth-attach --hangup) connects, hangs up at once, and drains
 * what conmon copies to it until conmon closes.
 */
import { promises as fs } from "node:fs";
import { Writable } from "node:stream";
import { spawnAttached } from "../sys/spawn-detached.js";

export async function openContainerStdin(o: { pid: number; helperPath: string; attachSocket: string }): Promise<Writable & { destroy(): void }> {
  const fh = await fs.open(`/proc/${o.pid}/fd/0`, "w");
  let closed = false;
  const closeOnce = async () => {
    if (closed) return;
    closed = true;
    await fh.close().catch(() => {});
  };
  const hangUp = async () => {
    const child = await spawnAttached([o.helperPath, "--hangup", o.attachSocket]);
    child.stdout.resume();
    child.stderr.resume();
  };
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      fh.write(chunk).then(
        () => cb(),
        () => cb(), // EPIPE: the container stopped reading; its exit tells the story
      );
    },
    final(cb) {
      void closeOnce()
        .then(hangUp)
        .then(
          () => cb(),
          () => cb(),
        );
    },
    destroy(err, cb) {
      void closeOnce().then(() => cb(err));
    },
  });
}
