/**
 * Volumes benchmark (issue 5, volumes half): the real docker CLI against a
 * private berthd and a private dockerd side by side in one run (the machine
 * is shared and noisy: only same-run ratios mean anything). Series:
 *   - `run --rm -v NAME:/data busybox true` with an existing named volume (median of --runs, default 10)
 *   - `run --rm -v /data busybox true`: an anonymous volume made and removed per run
 *   - first use of a fresh named volume on an image path holding --mb MB
 *     (default 100, 512 KiB files): the copy-up from the image (median of --copy-runs, default 3)
 * Ratios are berth/docker (lower is better).
 * Usage: node dist/bench/volumes.js [--runs N] [--mb N] [--copy-runs N]   (root; after scripts/setup.sh)
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { argNum, cleanup, cli, median, must, reporter, runMain, seedBusybox, startBerth, startDocker, timeIt, type Engine } from "./lib.js";

const RUNS = argNum("--runs", 10);
const MB = argNum("--mb", 100);
const COPY_RUNS = argNum("--copy-runs", 3);

async function series(fn: (i: number) => Promise<unknown>, runs: number): Promise<number> {
  await fn(-1); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timeIt(() => fn(i)));
  return median(xs);
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bb-vol-"));
  const out = reporter("volumes");
  let berth: Engine | undefined;
  let docker: Engine | undefined;
  try {
    berth = await startBerth(root);
    docker = await startDocker(root);
    if (!docker) throw new Error("/usr/sbin/dockerd missing: run scripts/setup.sh with BERTH_PEERS=1");
    const engines: Engine[] = [berth, docker];
    await seedBusybox(root, berth, docker);

    out.line(`# volumes benchmark, ${RUNS} runs, copy-up of ${MB} MB x ${COPY_RUNS} runs, ${os.cpus().length} cores, ${new Date().toISOString()}`);
    const res: Record<string, Record<string, number>> = { berthd: {}, dockerd: {} };
    const files = Math.max(1, MB * 2);
    for (const e of engines) {
      const run = ["run", "--rm", "--network", "none"];
      await must(cli(e, ["volume", "create", "benchvol"]), "volume create");
      res[e.name]!["named"] = await series(() => must(cli(e, [...run, "-v", "benchvol:/data", "busybox", "true"]), `${e.name} run -v named`), RUNS);
      res[e.name]!["anon"] = await series(() => must(cli(e, [...run, "-v", "/data", "busybox", "true"]), `${e.name} run -v anon`), RUNS);
      // an image whose /payload holds MB of random data
      await must(cli(e, ["run", "--name", "mkpayload", "--network", "none", "busybox", "sh", "-c", `mkdir /payload && for i in $(seq 1 ${files}); do head -c 524288 /dev/urandom > /payload/f$i; done`], 600_000), "make payload");
      await must(cli(e, ["commit", "mkpayload", "payload:1"], 600_000), "commit payload");
      await must(cli(e, ["rm", "mkpayload"]), "rm mkpayload");
      res[e.name]!["copyUp"] = await series(async (i) => {
        const name = `copy${i + 1}`;
        await must(cli(e, [...run, "-v", `${name}:/payload`, "payload:1", "sh", "-c", `test $(ls /payload | wc -l) -eq ${files}`], 600_000), `${e.name} copy-up`);
      }, COPY_RUNS);
      const names = ["benchvol", ...Array.from({ length: COPY_RUNS + 1 }, (_, i) => `copy${i}`)];
      await must(cli(e, ["volume", "rm", ...names]), "volume rm");
    }
    const b = res["berthd"]!;
    const d = res["dockerd"]!;
    const line = (label: string, key: string) => {
      out.line(`${label}: berthd ${b[key]!.toFixed(1)} ms, dockerd ${d[key]!.toFixed(1)} ms, ratio berth/docker ${(b[key]! / d[key]!).toFixed(3)}`);
    };
    line("run --rm -v NAME:/data true (median)", "named");
    line("run --rm -v /data true, anonymous volume made and removed (median)", "anon");
    line(`first use of a fresh volume on ${MB} MB of image files, copy-up (median)`, "copyUp");
  } finally {
    await cleanup(root, [berth, docker]);
  }
  await out.save();
}

runMain(main);
