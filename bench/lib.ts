/**
 * Shared pieces of the benchmarks in bench/: a private
 * berthd and a private dockerd (Debian's docker.io) on their own sockets and
 * data roots, the same busybox seeded into both, timing, medians, the cleanup
 * every bench does in `finally`, and the entry-point runner.
 * Same conventions as bench/engine-core.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import http from "node:http";
import path from "node:path";
import { BERTHD, BERTHD_NODE_FLAGS, busyboxTar, DOCKER, runCmd, type CmdResult } from "../test/integration/harness.js";

export function argNum(flag: string, dflt: number): number {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) || dflt : dflt;
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET over a unix socket (Engine API) or TCP; resolves the status code, 0 on a connection error. */
export function httpStatus(opts: http.RequestOptions, ms = 5000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ method: "GET", ...opts }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(ms, () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}

export async function waitUp(socket: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await httpStatus({ socketPath: socket, path: "/_ping" })) === 200) return;
    await sleep(100);
  }
  throw new Error(`daemon on ${socket} did not come up`);
}

export async function rssKb(pid: number): Promise<number> {
  const s = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
}

export interface Engine {
  name: string;
  socket: string;
  proc: ChildProcess;
  env: NodeJS.ProcessEnv;
}

/** Network names of the bench's own (bridge, device prefix, chain prefix), so that a bench never shares them with a test daemon or another bench. */
export function benchNetFlags(root: string): string[] {
  // From the whole path, not its basename: build.ts's roots all end in "/b", and two benches at once must not share a bridge.
  const t = root.replace(/[^A-Za-z0-9]/g, "").slice(-6);
  return ["--bridge", `bb${t}`, "--bridge-prefix", `c${t.slice(0, 4)}-`, "--iptables-chain-prefix", `BB_${t}`];
}

export async function startBerth(root: string): Promise<Engine> {
  const socket = path.join(root, "berth.sock");
  await fs.writeFile(path.join(root, "daemon.json"), "{}\n");
  const proc = spawn(process.execPath, [...BERTHD_NODE_FLAGS, BERTHD, "-H", `unix://${socket}`, "--data-root", path.join(root, "data"), "--exec-root", path.join(root, "run"), "--cgroup-parent", "berth-bench", "--config-file", path.join(root, "daemon.json"), ...benchNetFlags(root)], { stdio: "ignore" });
  await waitUp(socket);
  return { name: "berthd", socket, proc, env: { DOCKER_HOST: `unix://${socket}`, BERTH_HOST: `unix://${socket}` } };
}

export async function startDocker(root: string): Promise<Engine | undefined> {
  if (!existsSync("/usr/sbin/dockerd")) return undefined;
  const socket = path.join(root, "docker.sock");
  const proc = spawn("/usr/sbin/dockerd", ["--host", `unix://${socket}`, "--data-root", path.join(root, "docker-data"), "--exec-root", path.join(root, "docker-run"), "--pidfile", path.join(root, "docker.pid"), "--iptables=false", "--bridge=none", "--containerd-namespace", "berth-bench", "--containerd-plugins-namespace", "berth-bench-p"], { stdio: "ignore" });
  await waitUp(socket, 90_000);
  return { name: "dockerd", socket, proc, env: { DOCKER_HOST: `unix://${socket}` } };
}

/** The docker CLI against an engine. */
export function cli(e: Pick<Engine, "env">, args: string[], timeoutMs = 300_000): Promise<CmdResult> {
  return runCmd([DOCKER, ...args], { env: e.env, timeoutMs });
}

export async function must(p: Promise<CmdResult>, what: string): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Removes every container, stops both daemons, unmounts what is left under root, removes root and the bench cgroup. */
export async function cleanup(root: string, engines: (Engine | undefined)[]): Promise<void> {
  for (const e of engines) {
    if (!e) continue;
    const list = await cli(e, ["ps", "-aq"], 30_000).catch(() => undefined);
    const ids = list?.stdout.trim().split("\n").filter(Boolean) ?? [];
    if (ids.length) await cli(e, ["rm", "-f", ...ids], 120_000).catch(() => {});
    if (e.proc.exitCode === null && e.proc.signalCode === null) {
      const exited = new Promise((r) => e.proc.once("exit", r));
      e.proc.kill("SIGTERM");
      await Promise.race([exited, sleep(30_000)]);
      if (e.proc.exitCode === null && e.proc.signalCode === null) e.proc.kill("SIGKILL");
    }
  }
  await runCmd(["bash", "-c", `grep ' ${root}' /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l`]).catch(() => {});
  await fs.rm(root, { recursive: true, force: true }).catch(() => {});
  for (const ctl of await fs.readdir("/sys/fs/cgroup").catch(() => [] as string[])) await fs.rmdir(`/sys/fs/cgroup/${ctl}/berth-bench`).catch(() => {});
  await fs.rmdir("/sys/fs/cgroup/berth-bench").catch(() => {});
}

/** Collects report lines and writes them to bench/last-<name>.txt. */
export function reporter(name: string) {
  const lines: string[] = [];
  return {
    line(s: string) {
      lines.push(s);
      console.log(s);
    },
    async save() {
      await fs.writeFile(path.join(process.cwd(), "bench", `last-${name}.txt`), lines.join("\n") + "\n").catch(() => {});
    },
  };
}

/**
 * The same busybox:latest (same image ID) in berthd and, when it runs, in
 * dockerd: imported into berthd from the offline rootfs, saved, and the
 * archive loaded into dockerd.
 */
export async function seedBusybox(root: string, berth: Engine, docker: Engine | undefined): Promise<void> {
  await must(cli(berth, ["import", await busyboxTar(), "busybox:latest"]), "import into berthd");
  const archive = path.join(root, "bb.tar");
  await must(cli(berth, ["save", "-o", archive, "busybox:latest"]), "save from berthd");
  if (docker) await must(cli(docker, ["load", "-i", archive]), "load into dockerd");
}

/** Runs a bench's main and exits with its outcome (a leftover handle never keeps a finished bench alive). */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
