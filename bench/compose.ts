/**
 * docker-compose benchmark: Debian's docker-compose 1.29 against a private
 * berthd and a private dockerd side by side in one run (the machine is shared
 * and noisy: only same-run ratios mean anything). A project of two services
 * on the project network with a named volume (no published ports: the bench
 * dockerd runs without iptables); per run, the median of --runs of:
 *   - `up -d` (network, volume, two containers created and started)
 *   - `ps` (label-filtered list, one inspect per container)
 *   - `exec -T client true`
 *   - `down -v` (stop with a 1 s grace, remove containers, network, volume)
 * Ratios are berth/docker (lower is better).
 * Usage: node dist/bench/compose.js [--runs N]   (root; after scripts/setup.sh)
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { busyboxTar, runCmd } from "../test/integration/harness.js";
import { argNum, cleanup, cli, median, must, reporter, startBerth, startDocker, timeIt, type Engine } from "./lib.js";

const RUNS = argNum("--runs", 5);

const PROJECT = `version: "3.7"
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
    volumes: [data:/data]
    stop_grace_period: 1s
  client:
    image: busybox:latest
    depends_on: [web]
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
    volumes: [data:/data]
    stop_grace_period: 1s
volumes:
  data:
`;

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bb-cmp-"));
  const out = reporter("compose");
  let berth: Engine | undefined;
  let docker: Engine | undefined;
  try {
    berth = await startBerth(root);
    docker = await startDocker(root);
    if (!docker) throw new Error("/usr/sbin/dockerd missing: run scripts/setup.sh");
    const file = path.join(root, "docker-compose.yml");
    await fs.writeFile(file, PROJECT);
    const steps = ["up -d", "ps", "exec -T client true", "down -v"];
    const times = new Map<string, Map<string, number[]>>();
    for (const e of [berth, docker]) {
      await must(cli(e, ["import", await busyboxTar(), "busybox:latest"]), `import into ${e.name}`);
      times.set(e.name, new Map(steps.map((s) => [s, []])));
    }
    // alternate the engines run by run, so that noise on the shared machine falls on both
    for (let i = -1; i < RUNS; i++) {
      for (const e of [berth, docker]) {
        for (const step of steps) {
          const env = { ...process.env, ...e.env, COMPOSE_FILE: file, COMPOSE_PROJECT_NAME: "bench" };
          let code = 0;
          const ms = await timeIt(async () => {
            code = (await runCmd(["docker-compose", "--ansi", "never", ...step.split(" ")], { env, timeoutMs: 120_000 })).code ?? -1;
          });
          if (code !== 0) throw new Error(`${e.name}: docker-compose ${step} failed`);
          if (i >= 0) times.get(e.name)!.get(step)!.push(ms);
        }
      }
    }
    out.line(`docker-compose 1.29, ${RUNS} runs (medians, ms; ratio berth/docker, lower is better)`);
    for (const step of steps) {
      const b = median(times.get("berthd")!.get(step)!);
      const d = median(times.get("dockerd")!.get(step)!);
      out.line(`${step.padEnd(20)} berthd ${b.toFixed(0).padStart(6)}  dockerd ${d.toFixed(0).padStart(6)}  ratio ${(b / d).toFixed(2)}`);
    }
    await out.save();
  } finally {
    await cleanup(root, [berth, docker]);
  }
}

await main();
