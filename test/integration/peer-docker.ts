/**
 * A private Docker engine (Debian's docker.io) for interop tests: its own
 * socket, data root, exec root and containerd namespace under a temp dir, no
 * iptables and no bridge, stopped by PID and removed afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DOCKER, runCmd, type CmdResult } from "./harness.js";

export const DOCKERD = "/usr/sbin/dockerd";
export const hasDockerd = existsSync(DOCKERD);

export class PeerDocker {
  constructor(
    readonly root: string,
    readonly socket: string,
    private readonly proc: ChildProcess,
  ) {}

  docker(args: string[], o: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CmdResult> {
    return runCmd([DOCKER, ...args], { ...o, env: { DOCKER_HOST: `unix://${this.socket}`, DOCKER_CONFIG: path.join(this.root, "cfg") } });
  }

  async stop(): Promise<void> {
    const ids = (await this.docker(["ps", "-aq"]).catch(() => undefined))?.stdout.trim().split("\n").filter(Boolean) ?? [];
    if (ids.length) await this.docker(["rm", "-f", ...ids]).catch(() => {});
    if (this.proc.exitCode === null) {
      const done = new Promise((r) => this.proc.once("exit", r));
      this.proc.kill("SIGTERM");
      await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
      if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
    }
    const mounts = (await fs.readFile("/proc/self/mountinfo", "utf8")).split("\n").map((l) => l.split(" ")[4]).filter((m): m is string => !!m && m.startsWith(this.root));
    for (const m of mounts.reverse()) await runCmd(["umount", "-l", m]).catch(() => {});
    await fs.rm(this.root, { recursive: true, force: true }).catch(() => {});
  }
}

export async function startPeerDocker(): Promise<PeerDocker> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "pd-"));
  const socket = path.join(root, "docker.sock");
  const ns = `berth-peer-${path.basename(root)}`;
  const proc = spawn(DOCKERD, ["--host", `unix://${socket}`, "--data-root", path.join(root, "data"), "--exec-root", path.join(root, "run"), "--pidfile", path.join(root, "docker.pid"), "--iptables=false", "--ip6tables=false", "--bridge=none", "--containerd-namespace", ns, "--containerd-plugins-namespace", `${ns}-p`], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr!.on("data", (b) => (log = (log + b).slice(-4000)));
  const peer = new PeerDocker(root, socket, proc);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break;
    const r = await peer.docker(["version", "--format", "{{.Server.Version}}"]).catch(() => undefined);
    if (r?.code === 0) return peer;
    await new Promise((r) => setTimeout(r, 200));
  }
  await peer.stop();
  throw new Error(`dockerd did not start: ${log}`);
}
