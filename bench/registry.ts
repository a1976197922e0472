/**
 * Registry benchmark (issue 3): push and pull throughput of an image of big layers
 * between {berthd, dockerd} and {`berth registry serve`, Debian's
 * docker-registry (distribution 2.8)}, all four pairs in one run on the same
 * machine (shared and noisy: only same-run comparisons mean anything).
 *
 * The image is busybox plus `--layers` layers, each one file of `--mb`/N MB
 * of random bytes (random so that gzip on push can't shrink it), written as a
 * docker-archive and `load`ed into both berthd and dockerd, so both engines
 * push identical content.
 * Each run gets a fresh, empty registry (new root, new port), so every push
 * uploads every layer (no HEAD-skip, no cross-repo mount) and every tag
 * is new; pull is timed after `rmi` of every tag of the image, so the layer
 * layers are really downloaded and unpacked. MB/s = payload MB / wall seconds of the
 * docker CLI command (the payload is the random files; the compressed blobs are
 * a little bigger).
 *
 * berth's registry runs inside this process (startRegistry, port 0); its
 * memory is this process's RSS, sampled every 20 ms, and the peak during its
 * pushes/pulls is reported next to the idle baseline (it should stay flat
 * while blobs of `--mb`/`--layers` MB stream). docker-registry's RSS is sampled from
 * /proc the same way.
 *
 * Usage: node dist/bench/registry.js [--runs N] [--mb N] [--layers N]   (root; after scripts/setup.sh)
 *   --runs  runs per pair (default 3), --mb  total MB of random bytes (default 200),
 *   --layers  random layers they are split into (default 5; issue 3: --mb 500 --layers 5)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { busyboxTar, runCmd } from "../test/integration/harness.js";
import { startRegistry, type RunningRegistry } from "../src/registry/server/serve.js";
import { argNum, cleanup, cli, httpStatus, median, must, reporter, rssKb, runMain, sleep, startBerth, startDocker, timeIt, type Engine } from "./lib.js";

const RUNS = argNum("--runs", 3);
const MB = argNum("--mb", 200);
const LAYERS = argNum("--layers", 5);
const DISTRIBUTION = "/usr/bin/docker-registry";

interface Registry {
  name: string;
  /** host:port */
  addr: string;
  stop(): Promise<void>;
  /** Peak RSS in MB sampled while this registry was up. */
  peakMb(): number;
}

/** Peak RSS sampler: fn is polled every `ms`; returns the peak seen since the last reset. */
function sampler(fn: () => number | Promise<number>, ms = 20) {
  let peak = 0;
  let busy = false;
  const t = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      peak = Math.max(peak, await fn());
    } finally {
      busy = false;
    }
  }, ms);
  return {
    peak: () => peak,
    reset: () => (peak = 0),
    stop: () => clearInterval(t),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function startBerthRegistry(dir: string, rss: ReturnType<typeof sampler>): Promise<Registry> {
  await fs.mkdir(dir, { recursive: true });
  const reg: RunningRegistry = await startRegistry({ root: dir, host: "127.0.0.1", port: 0, onError: () => {} });
  rss.reset();
  return {
    name: "berth registry",
    addr: `127.0.0.1:${reg.port}`,
    stop: async () => {
      await reg.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
    peakMb: () => rss.peak() / 1024 / 1024,
  };
}

async function startDistribution(dir: string, procs: Set<ChildProcess>): Promise<Registry> {
  await fs.mkdir(path.join(dir, "data"), { recursive: true });
  const port = await freePort();
  const config = path.join(dir, "config.yml");
  await fs.writeFile(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${path.join(dir, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  const proc = spawn(DISTRIBUTION, ["serve", config], { stdio: "ignore" });
  procs.add(proc);
  const end = Date.now() + 30_000;
  while ((await httpStatus({ host: "127.0.0.1", port, path: "/v2/" }, 1000)) !== 200) {
    if (Date.now() > end || proc.exitCode !== null) throw new Error("docker-registry did not come up");
    await sleep(100);
  }
  const rss = sampler(async () => (await rssKb(proc.pid!)) * 1024);
  return {
    name: "docker-registry",
    addr: `127.0.0.1:${port}`,
    stop: async () => {
      rss.stop();
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      procs.delete(proc);
      await fs.rm(dir, { recursive: true, force: true });
    },
    peakMb: () => rss.peak() / 1024 / 1024,
  };
}

async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  await pipeline(createReadStream(file), h);
  return h.digest("hex");
}

/**
 * A docker-archive of busybox (one layer) plus LAYERS layers that each hold one
 * file of MB/LAYERS MB of random bytes (random so gzip on push can't shrink
 * them), tagged bigimg:latest. Layout as Docker 25+ / berth save:
 * manifest.json + blobs/sha256/<hex> for the config and the (plain tar) layers.
 */
async function multiLayerArchive(root: string): Promise<string> {
  if (!Number.isInteger(LAYERS) || LAYERS < 1) throw new Error(`--layers must be a positive integer, got ${LAYERS}`);
  const dir = path.join(root, "archive");
  const blobs = path.join(dir, "blobs", "sha256");
  await fs.mkdir(blobs, { recursive: true });
  const addLayer = async (tarFile: string): Promise<string> => {
    const hex = await sha256File(tarFile);
    await fs.rename(tarFile, path.join(blobs, hex));
    return hex;
  };
  const layers: string[] = [];
  const history: { created: string; created_by: string }[] = [];
  const created = new Date().toISOString();

  const rootfs = path.join(root, "rootfs");
  await fs.mkdir(rootfs);
  await must(runCmd(["tar", "-C", rootfs, "-xf", await busyboxTar()]), "unpack busybox");
  const base = path.join(root, "layer-base.tar");
  await must(runCmd(["tar", "--numeric-owner", "-C", rootfs, "-cf", base, "."], { timeoutMs: 300_000 }), "tar busybox");
  await fs.rm(rootfs, { recursive: true, force: true });
  layers.push(await addLayer(base));
  history.push({ created, created_by: "busybox" });

  const bytes = Math.floor((MB * 1024 * 1024) / LAYERS);
  for (let i = 0; i < LAYERS; i++) {
    const d = path.join(root, `layer-${i}`);
    await fs.mkdir(d);
    await must(runCmd(["bash", "-c", `head -c ${bytes} /dev/urandom > '${d}/random-${i}.bin'`], { timeoutMs: 300_000 }), "random file");
    const t = path.join(root, `layer-${i}.tar`);
    await must(runCmd(["tar", "--numeric-owner", "--owner=0", "--group=0", "-C", d, "-cf", t, `random-${i}.bin`], { timeoutMs: 300_000 }), "tar random layer");
    await fs.rm(d, { recursive: true, force: true });
    layers.push(await addLayer(t));
    history.push({ created, created_by: `random-${i}.bin (${bytes} bytes)` });
  }

  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created,
      config: { Cmd: ["sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
      rootfs: { type: "layers", diff_ids: layers.map((h) => `sha256:${h}`) },
      history,
    }),
  );
  const configHex = createHash("sha256").update(config).digest("hex");
  await fs.writeFile(path.join(blobs, configHex), config);
  await fs.writeFile(
    path.join(dir, "manifest.json"),
    JSON.stringify([{ Config: `blobs/sha256/${configHex}`, RepoTags: ["bigimg:latest"], Layers: layers.map((h) => `blobs/sha256/${h}`) }]),
  );
  const archive = path.join(root, "bigimg.tar");
  await must(runCmd(["tar", "--numeric-owner", "-C", dir, "-cf", archive, "manifest.json", "blobs"], { timeoutMs: 300_000 }), "tar archive");
  await fs.rm(dir, { recursive: true, force: true });
  return archive;
}

async function main(): Promise<void> {
  if (!existsSync(DISTRIBUTION)) throw new Error(`${DISTRIBUTION} missing: run scripts/setup.sh (Debian's docker-registry)`);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bb-reg-"));
  const out = reporter("registry");
  const procs = new Set<ChildProcess>();
  const selfRss = sampler(() => process.memoryUsage().rss);
  let berth: Engine | undefined;
  let docker: Engine | undefined;
  try {
    berth = await startBerth(root);
    docker = await startDocker(root);
    if (!docker) throw new Error("/usr/sbin/dockerd missing: run scripts/setup.sh with BERTH_PEERS=1");

    // busybox + LAYERS layers of MB/LAYERS random bytes each, identical in both engines:
    // written as a docker-archive (what `docker save` writes) and loaded into both
    const archive = await multiLayerArchive(root);
    await must(cli(berth, ["load", "-i", archive]), "load into berthd");
    await must(cli(docker, ["load", "-i", archive]), "load into dockerd");
    await fs.rm(archive, { force: true });

    out.line(`# registry benchmark, ${RUNS} runs per pair, ${MB} MB of random bytes in ${LAYERS} layer(s) of ${(MB / LAYERS).toFixed(1)} MB (+ busybox), ${os.cpus().length} cores, ${new Date().toISOString()}`);
    const baseline = process.memoryUsage().rss / 1024 / 1024;
    out.line(`bench process (hosts berth registry) RSS before any transfer: ${baseline.toFixed(1)} MB`);

    const engines = [berth, docker];
    const kinds = ["berth registry", "docker-registry"] as const;
    const peaks: Record<string, number> = { "berth registry": 0, "docker-registry": 0 };
    const results: { engine: string; registry: string; push: number; pull: number }[] = [];
    let n = 0;
    for (const e of engines) {
      for (const kind of kinds) {
        const pushes: number[] = [];
        const pulls: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const dir = path.join(root, `reg-${n++}`);
          const reg = kind === "berth registry" ? await startBerthRegistry(dir, selfRss) : await startDistribution(dir, procs);
          try {
            const ref = `${reg.addr}/bench/big:${e.name}-${i}`;
            await must(cli(e, ["tag", "bigimg:latest", ref]), "tag");
            pushes.push(await timeIt(() => must(cli(e, ["push", ref], 600_000), `${e.name} push to ${reg.name}`)));
            await must(cli(e, ["rmi", "bigimg:latest", ref]), "rmi");
            pulls.push(await timeIt(() => must(cli(e, ["pull", ref], 600_000), `${e.name} pull from ${reg.name}`)));
            await must(cli(e, ["tag", ref, "bigimg:latest"]), "retag");
            await must(cli(e, ["rmi", ref]), "rmi ref");
            peaks[kind] = Math.max(peaks[kind]!, reg.peakMb());
          } finally {
            await reg.stop();
          }
        }
        const r = { engine: e.name, registry: kind, push: MB / (median(pushes) / 1000), pull: MB / (median(pulls) / 1000) };
        results.push(r);
        out.line(`${e.name} -> ${kind}: push ${r.push.toFixed(1)} MB/s (median ${(median(pushes) / 1000).toFixed(2)} s), pull ${r.pull.toFixed(1)} MB/s (median ${(median(pulls) / 1000).toFixed(2)} s)`);
      }
    }
    const get = (engine: string, registry: string) => results.find((r) => r.engine === engine && r.registry === registry)!;
    for (const e of engines) {
      const b = get(e.name, "berth registry");
      const d = get(e.name, "docker-registry");
      out.line(`ratio via ${e.name}, berth registry / docker-registry throughput: push ${(b.push / d.push).toFixed(3)}, pull ${(b.pull / d.pull).toFixed(3)} (target >= 1)`);
    }
    for (const reg of kinds) {
      const b = get("berthd", reg);
      const d = get("dockerd", reg);
      out.line(`ratio with ${reg}, berthd / dockerd throughput: push ${(b.push / d.push).toFixed(3)}, pull ${(b.pull / d.pull).toFixed(3)} (pull target >= 1)`);
    }
    const berthPeak = peaks["berth registry"]!;
    out.line(`memory berth registry (bench process RSS): baseline ${baseline.toFixed(1)} MB, peak during transfers ${berthPeak.toFixed(1)} MB, growth ${(berthPeak - baseline).toFixed(1)} MB for ${LAYERS} blob(s) of ${(MB / LAYERS).toFixed(1)} MB`);
    out.line(`memory docker-registry (process RSS): peak during transfers ${peaks["docker-registry"]!.toFixed(1)} MB`);
  } finally {
    selfRss.stop();
    for (const p of procs) p.kill("SIGKILL");
    await cleanup(root, [berth, docker]);
  }
  await out.save();
}

runMain(main);
