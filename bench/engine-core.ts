/**
 * Engine-core benchmark: berth and Docker side by side on the same machine in
 * one run (machines here are shared and noisy, so only same-run ratios mean
 * anything). Reports medians and ratios for:
 *   - `berth run --rm busybox true` vs `docker run --rm busybox true` (dockerd)
 *   - the docker CLI against berthd vs the same CLI against dockerd
 *   - 50 containers started detached, then removed
 *   - daemon RSS idle and with 20 running containers (plus per-container supervisors)
 * Usage: node dist/bench/engine-core.js [--runs N]    (root; installs nothing: run scripts/setup.sh with BERTH_PEERS=1 first)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { busyboxTar, BERTH, BERTHD, DOCKER, runCmd } from "../test/integration/harness.js";
import { benchNetFlags } from "./lib.js";

const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath: socket, path: "/_ping", method: "GET" }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

async function waitUp(socket: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ping(socket)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`daemon on ${socket} did not come up`);
}

async function rssKb(pid: number): Promise<number> {
  const s = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
}

async function pidsByName(name: string, argvIncludes: string): Promise<number[]> {
  const out: number[] = [];
  for (const p of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    const comm = (await fs.readFile(`/proc/${p}/comm`, "utf8").catch(() => "")).trim();
    if (comm !== name) continue;
    const cmd = await fs.readFile(`/proc/${p}/cmdline`, "utf8").catch(() => "");
    if (cmd.includes(argvIncludes)) out.push(Number(p));
  }
  return out;
}

async function sumRssMb(pids: number[]): Promise<number> {
  let kb = 0;
  for (const p of pids) kb += await rssKb(p);
  return kb / 1024;
}

interface Engine {
  name: string;
  socket: string;
  proc: ChildProcess;
  env: NodeJS.ProcessEnv;
}

async function startBerth(root: string): Promise<Engine> {
  const socket = path.join(root, "berth.sock");
  await fs.writeFile(path.join(root, "daemon.json"), "{}\n");
  const proc = spawn(process.execPath, [BERTHD, "-H", `unix://${socket}`, "--data-root", path.join(root, "data"), "--exec-root", path.join(root, "run"), "--cgroup-parent", "berth-bench", "--config-file", path.join(root, "daemon.json"), ...benchNetFlags(root)], { stdio: "ignore" });
  await waitUp(socket);
  return { name: "berth", socket, proc, env: { DOCKER_HOST: `unix://${socket}`, BERTH_HOST: `unix://${socket}` } };
}

async function startDocker(root: string): Promise<Engine | undefined> {
  if (!existsSync("/usr/sbin/dockerd")) return undefined;
  const socket = path.join(root, "docker.sock");
  const proc = spawn("/usr/sbin/dockerd", ["--host", `unix://${socket}`, "--data-root", path.join(root, "docker-data"), "--exec-root", path.join(root, "docker-run"), "--pidfile", path.join(root, "docker.pid"), "--iptables=false", "--bridge=none", "--containerd-namespace", "berth-bench", "--containerd-plugins-namespace", "berth-bench-p"], { stdio: "ignore" });
  await waitUp(socket, 90_000);
  return { name: "docker", socket, proc, env: { DOCKER_HOST: `unix://${socket}` } };
}

async function must(p: Promise<{ code: number | null; stderr: string; stdout: string }>, what: string): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bb-"));
  const results: string[] = [];
  const report = (line: string) => {
    results.push(line);
    console.log(line);
  };
  let berth: Engine | undefined;
  let docker: Engine | undefined;
  try {
    berth = await startBerth(root);
    docker = await startDocker(root);
    await new Promise((r) => setTimeout(r, 1000));
    const berthFresh = await sumRssMb([berth.proc.pid!]);
    const berthCli = (args: string[]) => runCmd([process.execPath, BERTH, ...args], { env: berth!.env });
    const dockerCli = (e: Engine, args: string[]) => runCmd([DOCKER, ...args], { env: e.env });

    // the same image in both engines: imported into berth, saved, loaded into dockerd
    await must(dockerCli(berth, ["import", await busyboxTar(), "busybox:latest"]), "import into berth");
    const archive = path.join(root, "bb.tar");
    await must(dockerCli(berth, ["save", "-o", archive, "busybox:latest"]), "save from berth");
    if (docker) await must(dockerCli(docker, ["load", "-i", archive]), "load into dockerd");
    report(`# engine-core benchmark, ${RUNS} runs each, ${os.cpus().length} cores, ${new Date().toISOString()}`);
    report(`memory berthd just started: ${berthFresh.toFixed(1)} MB RSS`);

    const runTrue = ["run", "--rm", "--network", "none", "busybox", "true"];
    const series = async (label: string, fn: () => Promise<unknown>) => {
      await fn(); // warm-up
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) xs.push(await timeIt(fn));
      return { label, median: median(xs) };
    };
    const berthOwn = await series("berth CLI -> berthd", () => must(berthCli(runTrue), "berth run"));
    const dockerOnBerth = await series("docker CLI -> berthd", () => must(dockerCli(berth!, runTrue), "docker run on berth"));
    report(`run --rm true: berth CLI -> berthd median ${berthOwn.median.toFixed(1)} ms`);
    report(`run --rm true: docker CLI -> berthd median ${dockerOnBerth.median.toFixed(1)} ms`);
    if (docker) {
      const dockerOnDocker = await series("docker CLI -> dockerd", () => must(dockerCli(docker!, runTrue), "docker run on dockerd"));
      report(`run --rm true: docker CLI -> dockerd median ${dockerOnDocker.median.toFixed(1)} ms`);
      report(`ratio berth CLI/berthd vs docker/dockerd: ${(berthOwn.median / dockerOnDocker.median).toFixed(3)} (target <= 0.25)`);
      report(`ratio docker CLI: berthd vs dockerd: ${(dockerOnBerth.median / dockerOnDocker.median).toFixed(3)} (target <= 0.5)`);
    }

    const fifty = async (e: Engine) =>
      timeIt(async () => {
        const ids: string[] = [];
        for (let i = 0; i < 50; i++) ids.push((await must(dockerCli(e, ["run", "-d", "--network", "none", "busybox", "sleep", "300"]), "run -d")).trim());
        await must(dockerCli(e, ["rm", "-f", ...ids]), "rm -f");
      });
    const b50 = await fifty(berth);
    report(`50 containers run -d then rm -f (docker CLI): berthd ${(b50 / 1000).toFixed(2)} s`);
    if (docker) {
      const d50 = await fifty(docker);
      report(`50 containers run -d then rm -f (docker CLI): dockerd ${(d50 / 1000).toFixed(2)} s, ratio ${(b50 / d50).toFixed(3)}`);
    }

    const memory = async (e: Engine, daemonPids: () => Promise<number[]>, perContainer: () => Promise<number[]>) => {
      const idle = await sumRssMb(await daemonPids());
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await must(dockerCli(e, ["run", "-d", "--network", "none", "busybox", "sleep", "300"]), "run -d")).trim());
      await new Promise((r) => setTimeout(r, 1000));
      const busy = await sumRssMb(await daemonPids());
      const sup = await sumRssMb(await perContainer());
      await must(dockerCli(e, ["rm", "-f", ...ids]), "rm -f");
      return { idle, busy, sup };
    };
    const bm = await memory(berth, async () => [berth!.proc.pid!], () => pidsByName("conmon", root));
    report(`memory berthd: idle ${bm.idle.toFixed(1)} MB, with 20 running ${bm.busy.toFixed(1)} MB, conmon total ${bm.sup.toFixed(1)} MB; per container ${((bm.busy - bm.idle + bm.sup) / 20).toFixed(2)} MB (targets: idle < 80 MB, < 3 MB per container)`);
    if (docker) {
      const dm = await memory(docker, async () => [docker!.proc.pid!, ...(await pidsByName("containerd", root))], () => pidsByName("containerd-shim", ""));
      report(`memory dockerd+containerd: idle ${dm.idle.toFixed(1)} MB, with 20 running ${dm.busy.toFixed(1)} MB, shims total ${dm.sup.toFixed(1)} MB; per container ${((dm.busy - dm.idle + dm.sup) / 20).toFixed(2)} MB`);
    }
  } finally {
    for (const e of [berth, docker]) {
      if (!e) continue;
      const list = await runCmd([DOCKER, "ps", "-aq"], { env: e.env }).catch(() => undefined);
      const ids = list?.stdout.trim().split("\n").filter(Boolean) ?? [];
      if (ids.length) await runCmd([DOCKER, "rm", "-f", ...ids], { env: e.env }).catch(() => {});
      e.proc.kill("SIGTERM");
      await new Promise((r) => e.proc.once("exit", r)).catch(() => {});
    }
    await runCmd(["bash", "-c", `grep ' ${root}' /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l`]).catch(() => {});
    await fs.rm(root, { recursive: true, force: true }).catch(() => {});
    for (const ctl of await fs.readdir("/sys/fs/cgroup").catch(() => [] as string[])) await fs.rmdir(`/sys/fs/cgroup/${ctl}/berth-bench`).catch(() => {});
  }
  await fs.writeFile(path.join(process.cwd(), "bench", "last-engine-core.txt"), results.join("\n") + "\n").catch(() => {});
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
