/**
 * Operational-commands benchmark (issue 6): the real docker CLI against a
 * private berthd and a private dockerd side by side in one run (the machine
 * is shared and noisy: only same-run ratios mean anything). Series:
 *   - `docker exec c true` latency into a running busybox container (median of --runs, default 20)
 *   - `docker cp` of a directory of --mb MB (default 200; 10 MB random files)
 *     into a running container and back out (wall time, median of --cp-runs, default 3;
 *     each run copies to a fresh path; the copy out is checked by size)
 *   - `docker stats --no-stream` latency with 20 running containers
 *     (median of --stats-runs, default 5)
 * The engines take turns within each run (berthd, dockerd, floor, berthd, …)
 * rather than one whole series after the other, so that a burst of load from
 * the rest of the machine falls on all of them alike.
 *
 * Floors, measured in the same turns:
 *   - "docker CLI alone": the same CLI command against a stub engine that does
 *     no work at all (cli-floor.ts). No engine can beat it.
 *   - "runc exec alone": `runc exec <id> true` on berthd's container, run
 *     directly: what the OCI runtime itself costs per exec.
 * For exec the floor of any runc-based engine is CLI alone + runc exec alone.
 * Each floor is also given as a ratio to dockerd, the best ratio reachable.
 * Ratios are berth/docker; issue 6's target is <= 0.5 for each.
 * Usage: node dist/bench/ops.js [--runs N] [--mb N] [--cp-runs N] [--stats-runs N]   (root; after scripts/setup.sh)
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCmd } from "../test/integration/harness.js";
import { startCliFloor, type CliFloor } from "./cli-floor.js";
import { argNum, cleanup, cli, median, must, reporter, runMain, seedBusybox, startBerth, startDocker, timeIt, type Engine } from "./lib.js";

const RUNS = argNum("--runs", 20);
const MB = argNum("--mb", 200);
const CP_RUNS = argNum("--cp-runs", 3);
const STATS_RUNS = argNum("--stats-runs", 5);
const STATS_CONTAINERS = 20;

const runD = ["run", "-d", "--network", "none", "busybox", "sleep", "600"];

type Samples = Record<string, number[]>;

function push(s: Samples, key: string, ms: number): void {
  (s[key] ??= []).push(ms);
}

/** The runc binary and state root berthd uses (bench/lib.ts gives it the exec root <root>/run). */
async function berthRunc(root: string): Promise<{ bin: string; stateRoot: string }> {
  const runtimes = path.join(root, "run", "runtime");
  const name = (await fs.readdir(runtimes))[0];
  if (name !== "runc") throw new Error(`berthd's runtime is ${name}, not runc: no runc floor`);
  const bin = (await must(runCmd(["bash", "-c", "command -v runc"]), "runc")).trim();
  return { bin, stateRoot: path.join(runtimes, name) };
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bb-ops-"));
  const out = reporter("ops");
  let berth: Engine | undefined;
  let docker: Engine | undefined;
  let floor: CliFloor | undefined;
  try {
    berth = await startBerth(root);
    docker = await startDocker(root);
    if (!docker) throw new Error("/usr/sbin/dockerd missing: run scripts/setup.sh with BERTH_PEERS=1");
    const engines: Engine[] = [berth, docker];

    await seedBusybox(root, berth, docker);

    // the directory for cp: MB of random data in 10 MB files (plus a remainder)
    const src = path.join(root, "cpdata");
    await fs.mkdir(src);
    await must(runCmd(["bash", "-c", `cd '${src}' && for i in $(seq 1 ${Math.floor(MB / 10)}); do head -c 10M /dev/urandom > f$i; done; ${MB % 10 ? `head -c ${MB % 10}M /dev/urandom > rest` : "true"}`], { timeoutMs: 300_000 }), "make cp data");
    // what the stub serves for cp out: the same tree, named as the copy it stands for
    const floorTar = path.join(root, "floor.tar");
    await must(runCmd(["tar", "-C", root, "--transform", "s,^cpdata,floordata,", "-cf", floorTar, "cpdata"], { timeoutMs: 300_000 }), "floor tar");
    floor = await startCliFloor(root, floorTar, STATS_CONTAINERS);

    out.line(`# ops benchmark, exec ${RUNS} runs, cp ${MB} MB x ${CP_RUNS} runs, stats --no-stream with ${STATS_CONTAINERS} containers x ${STATS_RUNS} runs, ${os.cpus().length} cores, ${new Date().toISOString()}`);
    const t: Samples = {};

    // exec latency: one long-running container per engine, the engines and floors taking turns
    const c: Record<string, string> = {};
    for (const e of engines) c[e.name] = (await must(cli(e, runD), "run -d")).trim();
    const runc = await berthRunc(root); // its state dir exists once a container runs
    const execIn = (e: Engine) => must(cli(e, ["exec", c[e.name]!, "true"]), `${e.name} exec`);
    const execFloor = () => must(cli(floor!, ["exec", "floor", "true"]), "floor exec");
    const runcExec = () => must(runCmd([runc.bin, "--root", runc.stateRoot, "exec", c["berthd"]!, "true"]), "runc exec");
    for (const e of engines) await execIn(e); // warm-up
    await execFloor();
    await runcExec();
    for (let i = 0; i < RUNS; i++) {
      for (const e of engines) push(t, `exec.${e.name}`, await timeIt(() => execIn(e)));
      push(t, "exec.cli", await timeIt(execFloor));
      push(t, "exec.runc", await timeIt(runcExec));
    }

    // cp in and out, fresh path each run, after one untimed round trip per engine (as exec and
    // stats have a warm-up: a daemon's first 200 MB through a code path is not its steady state)
    for (const e of engines) {
      await must(cli(e, ["cp", src, `${c[e.name]}:/warm`], 600_000), `${e.name} cp in (warm-up)`);
      await must(cli(e, ["cp", `${c[e.name]}:/warm`, path.join(root, `warm-${e.name}`)], 600_000), `${e.name} cp out (warm-up)`);
      await fs.rm(path.join(root, `warm-${e.name}`), { recursive: true, force: true });
      await must(cli(e, ["exec", c[e.name]!, "rm", "-rf", "/warm"]), "rm in container");
    }
    for (let i = 0; i < CP_RUNS; i++) {
      for (const e of engines) {
        push(t, `cpIn.${e.name}`, await timeIt(() => must(cli(e, ["cp", src, `${c[e.name]}:/data${i}`], 600_000), `${e.name} cp in`)));
        const dst = path.join(root, `cpout-${e.name}-${i}`);
        push(t, `cpOut.${e.name}`, await timeIt(() => must(cli(e, ["cp", `${c[e.name]}:/data${i}`, dst], 600_000), `${e.name} cp out`)));
        const du = await must(runCmd(["du", "-sm", dst]), "du");
        if (Number(du.split(/\s/)[0]) < MB * 0.95) throw new Error(`${e.name} cp out copied only ${du.trim()}`);
        await fs.rm(dst, { recursive: true, force: true });
        await must(cli(e, ["exec", c[e.name]!, "rm", "-rf", `/data${i}`]), "rm in container");
      }
      push(t, "cpIn.cli", await timeIt(() => must(cli(floor!, ["cp", src, `floor:/data${i}`], 600_000), "floor cp in")));
      const dst = path.join(root, `cpout-floor-${i}`);
      push(t, "cpOut.cli", await timeIt(() => must(cli(floor!, ["cp", "floor:/floordata", dst], 600_000), "floor cp out")));
      await fs.rm(dst, { recursive: true, force: true });
    }
    for (const e of engines) await must(cli(e, ["rm", "-f", c[e.name]!]), "rm -f");
    await fs.rm(src, { recursive: true, force: true });
    await fs.rm(floorTar, { force: true });

    // stats --no-stream with STATS_CONTAINERS running on each engine
    const ids: Record<string, string[]> = {};
    for (const e of engines) {
      ids[e.name] = [];
      for (let i = 0; i < STATS_CONTAINERS; i++) ids[e.name]!.push((await must(cli(e, runD), "run -d")).trim());
    }
    const statsOf = (e: Pick<Engine, "env" | "name">) => must(cli(e, ["stats", "--no-stream"], 120_000), `${e.name} stats`);
    for (const e of engines) await statsOf(e); // warm-up
    await statsOf(floor);
    for (let i = 0; i < STATS_RUNS; i++) {
      for (const e of engines) push(t, `stats.${e.name}`, await timeIt(() => statsOf(e)));
      push(t, "stats.cli", await timeIt(() => statsOf(floor!)));
    }
    for (const e of engines) await must(cli(e, ["rm", "-f", ...ids[e.name]!], 120_000), "rm -f");

    const m = (k: string) => median(t[k] ?? []);
    const f = (x: number, unit: "ms" | "s") => (unit === "s" ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
    const line = (label: string, key: string, unit: "ms" | "s") => {
      const b = m(`${key}.berthd`);
      const d = m(`${key}.dockerd`);
      const cliAlone = m(`${key}.cli`);
      out.line(`${label}: berthd ${f(b, unit)}, dockerd ${f(d, unit)}, ratio berth/docker ${(b / d).toFixed(3)} (target <= 0.5)`);
      const range = (k: string) => `${f(Math.min(...t[k]!), unit)}-${f(Math.max(...t[k]!), unit)}`;
      out.line(`  spread (min-max): berthd ${range(`${key}.berthd`)}, dockerd ${range(`${key}.dockerd`)}, CLI alone ${range(`${key}.cli`)}`);
      if (key === "exec") {
        const r = m("exec.runc");
        out.line(`  floor: docker CLI alone ${f(cliAlone, unit)} + runc exec alone ${f(r, unit)} = ${f(cliAlone + r, unit)}, ratio to dockerd ${((cliAlone + r) / d).toFixed(3)}; berthd's own share ${f(b - cliAlone - r, unit)}`);
      } else {
        out.line(`  floor: docker CLI alone ${f(cliAlone, unit)}, ratio to dockerd ${(cliAlone / d).toFixed(3)}; berthd above it ${f(b - cliAlone, unit)}`);
      }
    };
    line("exec c true (median)", "exec", "ms");
    line(`cp ${MB} MB dir into container (median)`, "cpIn", "s");
    line(`cp ${MB} MB dir out of container (median)`, "cpOut", "s");
    line(`stats --no-stream, ${STATS_CONTAINERS} running (median)`, "stats", "ms");
  } finally {
    await floor?.close();
    await cleanup(root, [berth, docker]);
  }
  await out.save();
}

runMain(main);
