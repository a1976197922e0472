/**
 * One berthd per data root. The lock is a file created with O_EXCL holding
 * the owner's pid; a lock whose pid is gone (a crash, kill -9) is stale and
 * taken over. Two daemons on one data root would corrupt each other's
 * records and layers, so the second refuses to start.
 */
import { promises as fs } from "node:fs";
import { isProcessAlive } from "../sys/process-alive.js";
import path from "node:path";
import { FailedPreconditionError } from "../errors/index.js";

export async function lockDataRoot(dataRoot: string): Promise<() => Promise<void>> {
  const file = path.join(dataRoot, "berthd.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fs.open(file, "wx", 0o600);
      await fh.writeFile(String(process.pid));
      await fh.sync();
      await fh.close();
      return async () => {
        const owner = await fs.readFile(file, "utf8").catch(() => "");
        if (owner.trim() === String(process.pid)) await fs.rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number((await fs.readFile(file, "utf8").catch(() => "")).trim());
      if (owner && owner !== process.pid && isProcessAlive(owner)) {
        throw new FailedPreconditionError(`data root ${dataRoot} is in use by berthd (pid ${owner})`);
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new FailedPreconditionError(`could not lock data root ${dataRoot}`);
}
