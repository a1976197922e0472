import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { startThroughExecFifo } from "./runc-exec-fifo.js";

async function stateDir(t: { after: (fn: () => Promise<void>) => void }): Promise<{ root: string; fifo: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "fifo-"));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  await fs.mkdir(path.join(root, "c1"));
  const fifo = path.join(root, "c1", "exec.fifo");
  execFileSync("mkfifo", [fifo]);
  return { root, fifo };
}

test("as runc init does: the writer's \"0\" then its close start the container, and the FIFO goes", async (t) => {
  const { root, fifo } = await stateDir(t);
  // a shell stands in for runc init: it blocks opening the FIFO for writing, writes "0", exits (closing it)
  const init = spawn("sh", ["-c", `printf 0 > '${fifo}'`], { stdio: "ignore" });
  const exited = new Promise((r) => init.once("exit", r));
  assert.equal(await startThroughExecFifo(root, "c1"), true);
  await exited;
  assert.equal(existsSync(fifo), false);
});

test("no FIFO (another runtime, or not in created state): false, so the caller runs `runtime start`", async (t) => {
  const { root } = await stateDir(t);
  assert.equal(await startThroughExecFifo(root, "nope"), false);
  await fs.writeFile(path.join(root, "c1", "plain"), "");
  assert.equal(await startThroughExecFifo(path.join(root, "c1"), "plain"), false);
});

test("init gone (nobody ever writes): gives up after the timeout, leaves the FIFO for `runtime start`", async (t) => {
  const { root, fifo } = await stateDir(t);
  const t0 = Date.now();
  assert.equal(await startThroughExecFifo(root, "c1", 200), false);
  assert.ok(Date.now() - t0 >= 150);
  assert.equal(existsSync(fifo), true);
});

test("a writer that closes without writing (init died after opening) is not a start", async (t) => {
  const { root, fifo } = await stateDir(t);
  const init = spawn("sh", ["-c", `: > '${fifo}'`], { stdio: "ignore" });
  const exited = new Promise((r) => init.once("exit", r));
  assert.equal(await startThroughExecFifo(root, "c1"), false);
  await exited;
  assert.equal(existsSync(fifo), true);
});
