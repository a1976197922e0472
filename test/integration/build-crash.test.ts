/**
 * A build's durability (deferred-sync.ts): its steps skip their own fsyncs
 * and one syncfs precedes the tag. A kill -9 of berthd in the middle of a
 * build (after a COPY layer was committed, while a RUN runs) must leave no
 * tag, no image that cannot be read, no mounts; after a restart the same
 * build succeeds and its image holds the copied files.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { test } from "node:test";
import { DOCKER, importBusybox, isRoot, runCmd, startDaemon } from "./harness.js";
import { listContainers, writeContext } from "./build-lib.js";

const skip = !isRoot && "needs root";

async function mountsUnder(root: string): Promise<string[]> {
  const info = await fs.readFile("/proc/self/mountinfo", "utf8");
  return info.split("\n").map((l) => l.split(" ")[4] ?? "").filter((m) => m.startsWith(root));
}

test("kill -9 of berthd during a build leaves no tag, no unreadable image and no mount; the rebuild after restart works", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({ Dockerfile: "FROM busybox:latest\nARG S=60\nCOPY data /data\nRUN sleep $S\nRUN echo after > /after\n", "data/a": "a\n", "data/b": "b\n".repeat(100_000) });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));

  const build = spawn(DOCKER, ["build", "-t", "crash:1", dir], { env: { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_BUILDKIT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((r) => build.once("exit", r));
  t.after(() => build.kill("SIGKILL"));
  let out = "";
  const running = new Promise<void>((resolve, reject) => {
    build.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (/Step 4\/5 : RUN sleep \$S\n ---> Running in/.test(out)) resolve();
    });
    build.once("exit", () => reject(new Error(`build ended before the RUN: ${out}`)));
  });
  await running; // the COPY's layer and image are committed (unsynced); the RUN is sleeping
  await d.stopDaemon("SIGKILL");
  await exited;
  await d.start();

  assert.notEqual((await d.docker(["image", "inspect", "crash:1"])).code, 0, "the interrupted build tagged nothing");
  const ids = (await d.docker(["images", "-aq", "--no-trunc"])).stdout.trim().split("\n").filter(Boolean);
  for (const id of ids) {
    const r = await d.docker(["image", "inspect", id]);
    assert.equal(r.code, 0, `image ${id} is readable: ${r.stderr}`);
  }
  // the RUN's container survived berthd (conmon supervises it): remove it like any leftover
  for (const c of (await d.docker(["ps", "-aq"])).stdout.trim().split("\n").filter(Boolean)) await d.docker(["rm", "-f", c]);
  assert.deepEqual(await mountsUnder(d.root), [], "no mount is left under the daemon's root");

  const again = await runCmd([DOCKER, "build", "--build-arg", "S=0", "-t", "crash:1", dir], { env: { DOCKER_HOST: `unix://${d.socket}`, DOCKER_BUILDKIT: "0" }, timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.match(again.stdout, /Successfully tagged crash:1\n/);
  const run = await d.docker(["run", "--rm", "crash:1", "sh", "-c", "cat /data/a /after; wc -c < /data/b"]);
  assert.equal(run.stdout, "a\nafter\n200000\n", run.stderr);
  assert.deepEqual(await listContainers(d), []);
});
