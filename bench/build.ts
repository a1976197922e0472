/**
 * Build benchmark: the same Dockerfile (RUN steps around a COPY of a 50 MB
 * context) built with the docker CLI against berthd and against Docker's
 * classic builder (DOCKER_BUILDKIT=0, a private dockerd), side by side in one
 * run. Three cases, medians and ratios:
 *   cold      `build --no-cache` (every step runs)
 *   cached    unchanged rebuild (every step from the cache)
 *   one-file  rebuild after changing one source file (COPY and what follows rerun)
 * Usage: node dist/bench/build.js [--runs N]   (root; needs /usr/sbin/dockerd for the comparison)
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { busyboxTar } from "../test/integration/harness.js";
import { argNum, cleanup, cli, median, must, reporter, startBerth, startDocker, timeIt, type Engine } from "./lib.js";

const RUNS = argNum("--runs", 5);
const FILES = 50;
const FILE_BYTES = 1024 * 1024;

const DOCKERFILE = `FROM busybox:bench
RUN echo one > /one
RUN mkdir -p /app && echo two > /two
COPY data /app/data
RUN ls /app/data | wc -l > /app/count
RUN echo done > /done
CMD ["cat", "/app/count"]
`;

async function makeContext(dir: string): Promise<void> {
  await fs.mkdir(path.join(dir, "data"), { recursive: true });
  await fs.writeFile(path.join(dir, "Dockerfile"), DOCKERFILE);
  for (let i = 0; i < FILES; i++) await fs.writeFile(path.join(dir, "data", `f${i}.bin`), randomBytes(FILE_BYTES));
}

async function build(e: Engine, ctx: string, extra: string[] = []): Promise<void> {
  await must(cli(e, ["build", ...extra, "-t", "bench:1", ctx]), `${e.name} build`);
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bb-"));
  const out = reporter("build");
  const engines: Array<Engine | undefined> = [];
  try {
    const ctx = path.join(root, "ctx");
    await makeContext(ctx);
    const berth = await startBerth(await fs.mkdir(path.join(root, "b"), { recursive: true }).then(() => path.join(root, "b")));
    engines.push(berth);
    const docker = await startDocker(await fs.mkdir(path.join(root, "d"), { recursive: true }).then(() => path.join(root, "d")));
    engines.push(docker);
    const all = [berth, docker].filter((e): e is Engine => !!e);
    for (const e of all) {
      e.env = { ...e.env, DOCKER_BUILDKIT: "0" };
      await must(cli(e, ["import", await busyboxTar(), "busybox:bench"]), `${e.name} import`);
      await build(e, ctx); // warm: base image present, page cache filled
    }
    // Engines alternate inside every round, so the machine's load drifts evenly over both.
    const times: Record<string, Record<string, number[]>> = {};
    const add = (c: string, e: Engine, ms: number) => (((times[c] ??= {})[e.name] ??= []).push(ms));
    let n = 0;
    for (let i = 0; i < RUNS; i++) {
      for (const e of all) add("cold build (--no-cache)", e, await timeIt(() => build(e, ctx, ["--no-cache"])));
      for (const e of all) add("fully cached rebuild", e, await timeIt(() => build(e, ctx)));
      await fs.writeFile(path.join(ctx, "data", "f7.bin"), `changed ${n++}\n`);
      for (const e of all) add("rebuild after one file changed", e, await timeIt(() => build(e, ctx)));
    }
    const results: Record<string, Record<string, number>> = {};
    for (const [c, byEngine] of Object.entries(times)) for (const [name, ms] of Object.entries(byEngine)) (results[c] ??= {})[name] = median(ms);
    out.line(`build benchmark: ${RUNS} runs per case, docker CLI (DOCKER_BUILDKIT=0) against each engine, context ${FILES} x ${FILE_BYTES / 1024 / 1024} MB`);
    out.line(`${"case".padEnd(34)} ${"berthd ms".padStart(10)} ${"dockerd ms".padStart(11)} ${"ratio".padStart(7)}`);
    for (const [c, r] of Object.entries(results)) {
      const b = r["berthd"]!;
      const d = r["dockerd"];
      out.line(`${c.padEnd(34)} ${b.toFixed(0).padStart(10)} ${d === undefined ? "n/a".padStart(11) : d.toFixed(0).padStart(11)} ${d === undefined ? "" : (b / d).toFixed(2).padStart(7)}`);
    }
    await out.save();
  } finally {
    await cleanup(root, engines);
  }
}

await main();
