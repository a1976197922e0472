/**
 * A host-wide lock around "choose a subnet, create its bridge": several
 * berthd (tests run many at once) must never pick the same free subnet. The
 * bridge's address becomes a route before the lock is released, so the next
 * daemon's look at the host's routes sees it. The lock is a file created with
 * O_EXCL holding the owner's pid; a dead owner's lock is taken over.
 */
import { promises as fs } from "node:fs";
import { isProcessAlive } from "../sys/process-alive.js";
import { UnavailableError } from "../errors/index.js";

export const SUBNET_LOCK = "/run/berth-subnet.lock";
const STALE_MS = 15_000;

/** In-process queue: one holder per daemon at a time, then the file for other processes. */
let tail: Promise<void> = Promise.resolve();

export async function withSubnetLock<T>(fn: () => Promise<T>, file = SUBNET_LOCK): Promise<T> {
  const prev = tail;
  let release!: () => void;
  tail = new Promise<void>((r) => (release = r));
  await prev;
  try {
    await acquire(file);
    try {
      return await fn();
    } finally {
      await fs.rm(file, { force: true });
    }
  } finally {
    release();
  }
}

async function acquire(file: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const fh = await fs.open(file, "wx", 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number((await fs.readFile(file, "utf8").catch(() => "")).trim());
      const age = Date.now() - ((await fs.stat(file).catch(() => undefined))?.mtimeMs ?? Date.now());
      // an empty file is a holder between open and write: wait for it; a holder never keeps it for
      // long (a route lookup and a bridge), so an old file is stale even if its pid was reused
      if ((owner && !isProcessAlive(owner)) || age > STALE_MS) await fs.rm(file, { force: true });
      else if (Date.now() > deadline) throw new UnavailableError(`timed out waiting for the subnet lock ${file} (held by pid ${owner || "?"})`);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
}
