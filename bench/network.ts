/**
 * Network benchmark: berth and Docker side by side on the same machine in one
 * run (shared, noisy machine: only same-run ratios mean anything). Reports:
 *   - throughput through a published port: a container serves a 1 GB file
 *     (busybox httpd, file made with head -c), fetched from the host with curl
 *     on 127.0.0.1 and on the host's address;
 *   - container-to-container throughput on a user-defined network (the same
 *     file fetched by name with nc from a second container);
 *   - `run --rm busybox true` latency on the default bridge network.
 * Docker runs with its defaults for networking (iptables on, userland proxy on)
 * on a bridge device of its own made for the bench; berth with its own bridge
 * and chain prefix. Docker's chains are removed afterwards only if the bench
 * created them (no other dockerd had them).
 * Usage: node dist/bench/network.js [--runs N] [--mb N] [--xfer-runs N] [--latency-only]   (root)
 *   --latency-only: the run --rm series alone (no transfers)
 */
import { spawn } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BERTHD, runCmd } from "../test/integration/harness.js";
import { argNum, cleanup, cli, median, must, reporter, seedBusybox, sleep, timeIt, waitUp, type Engine } from "./lib.js";

const RUNS = argNum("--runs", 15);
const MB = argNum("--mb", 1000);
const XFER_RUNS = argNum("--xfer-runs", 3);
const DOCKER_BRIDGE = "bbdock0";
const LATENCY_ONLY = process.argv.includes("--latency-only");

function hostAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  throw new Error("no host address");
}

async function startBerthNet(root: string): Promise<Engine> {
  const socket = path.join(root, "berth.sock");
  await fs.writeFile(path.join(root, "daemon.json"), "{}\n");
  const args = [BERTHD, "-H", `unix://${socket}`, "--data-root", path.join(root, "data"), "--exec-root", path.join(root, "run"), "--cgroup-parent", "berth-bench", "--config-file", path.join(root, "daemon.json"), "--bridge", "bbberth0", "--bridge-prefix", "bbb-", "--iptables-chain-prefix", "BENCH", "--default-address-pool", "base=10.201.0.0/16,size=24"];
  const proc = spawn(process.execPath, args, { stdio: "ignore" });
  await waitUp(socket);
  return { name: "berthd", socket, proc, env: { DOCKER_HOST: `unix://${socket}`, BERTH_HOST: `unix://${socket}` } };
}

async function startDockerNet(root: string): Promise<Engine | undefined> {
  if (!existsSync("/usr/sbin/dockerd")) return undefined;
  // dockerd's default bridge is docker0; a device of the bench's own keeps other dockerds' docker0 untouched
  await runCmd(["ip", "link", "add", DOCKER_BRIDGE, "type", "bridge"]);
  await runCmd(["ip", "addr", "add", "10.202.0.1/24", "dev", DOCKER_BRIDGE]);
  await runCmd(["ip", "link", "set", DOCKER_BRIDGE, "up"]);
  const socket = path.join(root, "docker.sock");
  const proc = spawn("/usr/sbin/dockerd", ["--host", `unix://${socket}`, "--data-root", path.join(root, "docker-data"), "--exec-root", path.join(root, "docker-run"), "--pidfile", path.join(root, "docker.pid"), "--bridge", DOCKER_BRIDGE, "--ip6tables=false", "--default-address-pool", "base=10.203.0.0/16,size=24", "--containerd-namespace", "berth-bench", "--containerd-plugins-namespace", "berth-bench-p"], { stdio: "ignore" });
  await waitUp(socket, 90_000);
  return { name: "dockerd", socket, proc, env: { DOCKER_HOST: `unix://${socket}` } };
}

/** Starts a web container serving /www/big (MB megabytes) on a published port; returns the host port. */
async function bigServer(e: Engine, name: string, extra: string[]): Promise<number> {
  await must(cli(e, ["run", "-d", "--name", name, ...extra, "-p", "80", "busybox", "sh", "-c", `mkdir -p /www && head -c ${MB * 1000000} /dev/zero > /www/big && touch /www/ready && exec httpd -f -p 80 -h /www`]), `${e.name} server`);
  for (let i = 0; i < 600; i++) {
    const r = await cli(e, ["exec", name, "test", "-e", "/www/ready"]);
    if (r.code === 0) break;
    await sleep(200);
  }
  const port = Number((await must(cli(e, ["port", name, "80"]), "port")).trim().split("\n")[0]!.split(":").at(-1));
  return port;
}

/** MB/s of one curl download of /big from host:port. */
async function curlRate(host: string, port: number): Promise<number> {
  const r = await runCmd(["curl", "-s", "-o", "/dev/null", "-w", "%{size_download} %{time_total}", `http://${host}:${port}/big`], { timeoutMs: 300_000 });
  const [size, secs] = r.stdout.trim().split(" ").map(Number);
  if (r.code !== 0 || !size || size < MB * 1000000) throw new Error(`curl from ${host}:${port}: exit ${r.code} ${r.stdout} ${r.stderr}`);
  return size / 1e6 / secs!;
}

/** MB/s container to container: a client on the same network fetches the file by name with nc, timed inside from /proc/uptime. */
async function c2cRate(e: Engine, net: string, server: string): Promise<number> {
  const script = `a=$(cut -d' ' -f1 /proc/uptime); n=$(printf 'GET /big HTTP/1.0\\r\\n\\r\\n' | nc ${server} 80 | wc -c); b=$(cut -d' ' -f1 /proc/uptime); echo $n $a $b`;
  const out = await must(cli(e, ["run", "--rm", "--network", net, "busybox", "sh", "-c", script]), `${e.name} c2c`);
  const [n, a, b] = out.trim().split(" ").map(Number);
  if (!n || n < MB * 1000000) throw new Error(`${e.name} c2c fetched ${n} bytes`);
  return n / 1e6 / (b! - a!);
}

async function dockerChainsPresent(): Promise<boolean> {
  return (await runCmd(["iptables-save", "-t", "filter"])).stdout.includes(":DOCKER");
}

async function removeDockerArtifacts(hadChains: boolean): Promise<void> {
  await runCmd(["ip", "link", "del", DOCKER_BRIDGE]);
  if (hadChains) return;
  for (const table of ["nat", "filter"]) {
    const lines = (await runCmd(["iptables-save", "-t", table])).stdout.split("\n");
    for (const l of lines) {
      const m = /^-A (\S+) (.*-j DOCKER.*)$/.exec(l);
      if (m && !m[1]!.startsWith("DOCKER")) await runCmd(["iptables", "-w", "-t", table, "-D", m[1]!, ...m[2]!.split(" ")]);
    }
    for (const l of lines) {
      const m = /^:(DOCKER\S*) /.exec(l);
      if (m) await runCmd(["iptables", "-w", "-t", table, "-F", m[1]!]);
    }
    for (const l of lines) {
      const m = /^:(DOCKER\S*) /.exec(l);
      if (m) await runCmd(["iptables", "-w", "-t", table, "-X", m[1]!]);
    }
  }
}

async function main(): Promise<void> {
  const rep = reporter("network");
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bn-"));
  const hadDockerChains = await dockerChainsPresent();
  let berth: Engine | undefined;
  let docker: Engine | undefined;
  try {
    berth = await startBerthNet(root);
    docker = await startDockerNet(root);
    await seedBusybox(root, berth, docker);
    const engines = [berth, ...(docker ? [docker] : [])];
    rep.line(`# network benchmark, ${os.cpus().length} cores, ${new Date().toISOString()}; ${MB} MB file, ${XFER_RUNS} transfers per series, ${RUNS} run --rm`);

    // run --rm latency on the default bridge, the engines taking turns so that both see the same machine load
    const lat: Record<string, number[]> = Object.fromEntries(engines.map((e) => [e.name, []]));
    for (const e of engines) await must(cli(e, ["run", "--rm", "busybox", "true"]), "warm-up");
    for (let i = 0; i < RUNS; i++) {
      for (const e of engines) lat[e.name]!.push(await timeIt(() => must(cli(e, ["run", "--rm", "busybox", "true"]), `${e.name} run --rm`)));
    }
    for (const e of engines) rep.line(`run --rm busybox true (default bridge), docker CLI -> ${e.name}: median ${median(lat[e.name]!).toFixed(1)} ms`);
    if (docker) rep.line(`run --rm ratio berth/docker: ${(median(lat["berthd"]!) / median(lat["dockerd"]!)).toFixed(2)}x (target <= 0.3)`);
    for (const e of engines) rep.line(`  ${e.name} runs (ms): ${lat[e.name]!.map((x) => x.toFixed(0)).join(", ")}`);
    if (LATENCY_ONLY) return;

    // published port throughput
    const host = hostAddress();
    for (const e of engines) {
      const port = await bigServer(e, "big", []);
      for (const target of ["127.0.0.1", host]) {
        const xs: number[] = [];
        for (let i = 0; i < XFER_RUNS; i++) xs.push(await curlRate(target, port));
        rep.line(`published port ${target === host ? "host address" : "127.0.0.1"}, ${e.name}: median ${median(xs).toFixed(0)} MB/s (${xs.map((x) => x.toFixed(0)).join(", ")})`);
      }
      await must(cli(e, ["rm", "-f", "big"]), "rm big");
    }

    // container to container on a user network
    for (const e of engines) {
      await must(cli(e, ["network", "create", "benchnet"]), `${e.name} network create`);
      await bigServer(e, "srv", ["--network", "benchnet"]);
      const xs: number[] = [];
      for (let i = 0; i < XFER_RUNS; i++) xs.push(await c2cRate(e, "benchnet", "srv"));
      rep.line(`container to container (user network, by name), ${e.name}: median ${median(xs).toFixed(0)} MB/s (${xs.map((x) => x.toFixed(0)).join(", ")})`);
      await must(cli(e, ["rm", "-f", "srv"]), "rm srv");
      await must(cli(e, ["network", "rm", "benchnet"]), "network rm");
    }
  } finally {
    await cleanup(root, [berth, docker]);
    if (docker) await removeDockerArtifacts(hadDockerChains);
    await rep.save();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
