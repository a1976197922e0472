/**
 * Operational-commands benchmark (issue 6): the real docker CLI against a
 * private berthd and a private dockerd side by side in one run (the machine
 * is shared and noisy: only same-run ratios mean anything). Series:
 *   - `docker exec c true` latency into a running busybox container (median of --runs, default 20)
 *   - `docker cp` of a directory of --mb MB (default 200; 10 MB random files)
 *     into a running container and back out (wall time, median of --cp-runs, default 3;
 *     each run copies to a fresh path)
 *   - `docker stats --no-stream` latency with 20 running containers
 *     (median of --stats-runs, default 5); skipped for berthd, with the reason
 *     printed, when it answers 404 to GET /containers/{id}/stats?stream=0
 * Ratios are berth/docker; issue 6's target is <= 0.5 for each.
 * Usage: node dist/bench/ops.js [--runs N] [--mb N] [--cp-runs N] [--stats-runs N]   (root; after scripts/setup.sh)
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { busyboxTar, runCmd } from "../test/integration/harness.js";
import { argNum, cleanup, cli, httpStatus, median, must, reporter, startBerth, startDocker, timeIt, type Engine } from "./lib.js";

const RUNS = argNum("--runs", 20);
const MB = argNum("--mb", 200);
const CP_RUNS = argNum("--cp-runs", 3);
const STATS_RUNS = argNum("--stats-runs", 5);
const STATS_CONTAINERS = 20;

async function series(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timeIt(fn));
  return median(xs);
}

const runD = ["run", "-d", "--network", "none", "busybox", "sleep", "600"];

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bb-ops-"));
  const out = reporter("ops");
  let berth: Engine | undefined;
  let docker: Engine | undefined;
  try {
    berth = await startBerth(root);
    docker = await startDocker(root);
    if (!docker) throw new Error("/usr/sbin/dockerd missing: run scripts/setup.sh with BERTH_PEERS=1");
    const engines: Engine[] = [berth, docker];

    await must(cli(berth, ["import", await busyboxTar(), "busybox:latest"]), "import into berthd");
    const archive = path.join(root, "bb.tar");
    await must(cli(berth, ["save", "-o", archive, "busybox:latest"]), "save from berthd");
    await must(cli(docker, ["load", "-i", archive]), "load into dockerd");

    // the directory for cp: MB of random data in 10 MB files (plus a remainder)
    const src = path.join(root, "cpdata");
    await fs.mkdir(src);
    await must(runCmd(["bash", "-c", `cd '${src}' && for i in $(seq 1 ${Math.floor(MB / 10)}); do head -c 10M /dev/urandom > f$i; done; ${MB % 10 ? `head -c ${MB % 10}M /dev/urandom > rest` : "true"}`], { timeoutMs: 300_000 }), "make cp data");

    out.line(`# ops benchmark, exec ${RUNS} runs, cp ${MB} MB x ${CP_RUNS} runs, stats --no-stream with ${STATS_CONTAINERS} containers x ${STATS_RUNS} runs, ${os.cpus().length} cores, ${new Date().toISOString()}`);
    const res: Record<string, Record<string, number>> = { berthd: {}, dockerd: {} };

    // exec latency and cp, one long-running container per engine
    for (const e of engines) {
      const c = (await must(cli(e, runD), "run -d")).trim();
      res[e.name]!["exec"] = await series(() => must(cli(e, ["exec", c, "true"]), `${e.name} exec`), RUNS);
      const ins: number[] = [];
      const outs: number[] = [];
      for (let i = 0; i < CP_RUNS; i++) {
        ins.push(await timeIt(() => must(cli(e, ["cp", src, `${c}:/data${i}`], 600_000), `${e.name} cp in`)));
        const dst = path.join(root, `cpout-${e.name}-${i}`);
        outs.push(await timeIt(() => must(cli(e, ["cp", `${c}:/data${i}`, dst], 600_000), `${e.name} cp out`)));
        const du = await must(runCmd(["du", "-sm", dst]), "du");
        if (Number(du.split(/\s/)[0]) < MB * 0.95) throw new Error(`${e.name} cp out copied only ${du.trim()}`);
        await fs.rm(dst, { recursive: true, force: true });
        await must(cli(e, ["exec", c, "rm", "-rf", `/data${i}`]), "rm in container");
      }
      res[e.name]!["cpIn"] = median(ins);
      res[e.name]!["cpOut"] = median(outs);
      await must(cli(e, ["rm", "-f", c]), "rm -f");
    }
    await fs.rm(src, { recursive: true, force: true });
    const b = res["berthd"]!;
    const d = res["dockerd"]!;
    const line = (label: string, key: string, unit: "ms" | "s") => {
      const f = (x: number) => (unit === "s" ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
      out.line(`${label}: berthd ${f(b[key]!)}, dockerd ${f(d[key]!)}, ratio berth/docker ${(b[key]! / d[key]!).toFixed(3)} (target <= 0.5)`);
    };
    line("exec c true (median)", "exec", "ms");
    line(`cp ${MB} MB dir into container (median)`, "cpIn", "s");
    line(`cp ${MB} MB dir out of container (median)`, "cpOut", "s");

    // stats --no-stream with 20 running containers
    for (const e of engines) {
      const ids: string[] = [];
      for (let i = 0; i < STATS_CONTAINERS; i++) ids.push((await must(cli(e, runD), "run -d")).trim());
      try {
        const status = await httpStatus({ socketPath: e.socket, path: `/containers/${ids[0]}/stats?stream=0` }, 30_000);
        if (status !== 200) {
          out.line(`stats --no-stream: ${e.name} skipped: GET /containers/{id}/stats?stream=0 answered ${status || "nothing"} (not implemented yet)`);
          continue;
        }
        res[e.name]!["stats"] = await series(() => must(cli(e, ["stats", "--no-stream"], 120_000), `${e.name} stats`), STATS_RUNS);
        out.line(`stats --no-stream, ${STATS_CONTAINERS} running: ${e.name} median ${res[e.name]!["stats"]!.toFixed(1)} ms`);
      } finally {
        await must(cli(e, ["rm", "-f", ...ids], 120_000), "rm -f");
      }
    }
    if (b["stats"] !== undefined && d["stats"] !== undefined) line(`stats --no-stream, ${STATS_CONTAINERS} running (median)`, "stats", "ms");
  } finally {
    await cleanup(root, [berth, docker]);
  }
  await out.save();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
