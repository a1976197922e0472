#!/usr/bin/env -S node --initial-old-space-size=64
/**
 * berthd: the daemon. Loads its configuration, locks the data root, builds
 * the engine (compose.ts), and serves the Docker Engine API on a unix
 * socket. SIGTERM/SIGINT close the socket and exit without touching the
 * containers: conmon keeps them running, and the next berthd reconciles.
 * The #! line's --initial-old-space-size=64: V8's small default old space
 * makes the socket buffers of a large request body (a build context) set off
 * a mark-compact every ~15 MB; launchers that run `node main.js` pass the same
 * flag (BERTHD_NODE_FLAGS in test/integration/harness.ts).
 */
import { promises as fs } from "node:fs";
import net from "node:net";
import path from "node:path";
import { createApiServer } from "../api/server.js";
import { composeDaemon, BERTH_VERSION } from "./compose.js";
import { loadConfig } from "./config.js";
import { lockDataRoot } from "./data-root-lock.js";
import { writeFileAtomic } from "../durable/atomic-file.js";

const USAGE = `Usage: berthd [OPTIONS]

Options:
  -H, --host unix:///PATH     socket to listen on (default unix:///run/berth/berth.sock)
      --data-root PATH        persistent state (default /var/lib/berth)
      --exec-root PATH        runtime state (default /run/berth)
  -p, --pidfile PATH          pid file (default <exec-root>/berthd.pid)
      --runtime NAME          runc or crun (default: the one that works on this host)
      --cgroup-parent NAME    parent cgroup for containers (default berth)
      --config-file PATH      daemon config (default /etc/berth/daemon.json)
      --insecure-registry R   allow HTTP (after HTTPS) for registry R: host:port or
                              IPv4 CIDR; repeatable
  -b, --bridge NAME           device of the default bridge network (default berth0)
      --bridge-prefix P       prefix of user networks' bridge devices (default br-)
      --bip CIDR              default bridge gateway address and prefix (default: from the pools)
      --default-address-pool base=CIDR,size=N   subnet pool for networks; repeatable
      --iptables-chain-prefix P   name prefix of berth's iptables chains (default BERTH)
  -D, --debug                 log more
`;

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString()} berthd: ${msg}\n`);
}

/** A socket file left by a crashed daemon is removed; one that still answers means another daemon. */
async function clearStaleSocket(socketPath: string): Promise<void> {
  try {
    await fs.lstat(socketPath);
  } catch {
    return;
  }
  const alive = await new Promise<boolean>((resolve) => {
    const c = net.connect(socketPath);
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
  if (alive) throw new Error(`another daemon is listening on ${socketPath}`);
  await fs.rm(socketPath, { force: true });
}

async function main(): Promise<void> {
  const { config, help } = await loadConfig(process.argv.slice(2));
  if (help) {
    process.stdout.write(USAGE);
    return;
  }
  if (process.getuid?.() !== 0) throw new Error("berthd needs to run as root");
  await fs.mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
  const unlock = await lockDataRoot(config.dataRoot);
  await fs.mkdir(path.dirname(config.socketPath), { recursive: true });
  await clearStaleSocket(config.socketPath);
  const daemon = await composeDaemon(config, log);
  const server = createApiServer({ router: daemon.router, serverHeader: `berth/${BERTH_VERSION} (linux)`, log });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.socketPath, resolve);
  });
  await fs.chmod(config.socketPath, 0o660);
  await fs.mkdir(path.dirname(config.pidFile), { recursive: true });
  await writeFileAtomic(config.pidFile, `${process.pid}\n`);
  log(`API listening on ${config.socketPath} (data root ${config.dataRoot})`);

  let closing = false;
  const shutdown = (sig: string) => {
    if (closing) return;
    closing = true;
    log(`${sig}: shutting down; containers keep running`);
    const closed = Promise.resolve(daemon.close()).catch((e) => log(`closing: ${e}`));
    server.close();
    server.closeAllConnections();
    void (async () => {
      await closed;
      await fs.rm(config.socketPath, { force: true });
      await fs.rm(config.pidFile, { force: true });
      await unlock();
      process.exit(0);
    })();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((e) => {
  log(`fatal: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
