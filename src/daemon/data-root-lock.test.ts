import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, access } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FailedPreconditionError } from "../errors/index.js";
import { lockDataRoot } from "./data-root-lock.js";

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "berth-lock-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const exists = (f: string) => access(f).then(() => true, () => false);

test("the lock file holds our pid and the release function removes it", async (t) => {
  const dir = await tempDir(t);
  const release = await lockDataRoot(dir);
  assert.equal(await readFile(path.join(dir, "berthd.lock"), "utf8"), String(process.pid));
  await release();
  assert.equal(await exists(path.join(dir, "berthd.lock")), false);
  // and it can be taken again
  const again = await lockDataRoot(dir);
  await again();
});

test("a lock held by another live process is refused with FailedPrecondition", async (t) => {
  const dir = await tempDir(t);
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  t.after(() => {
    child.kill("SIGKILL");
  });
  assert.ok(child.pid);
  await writeFile(path.join(dir, "berthd.lock"), String(child.pid));
  await assert.rejects(lockDataRoot(dir), (e: unknown) => e instanceof FailedPreconditionError && e.message.includes(`pid ${child.pid}`));
  await assert.rejects(lockDataRoot(dir), FailedPreconditionError, "still refused the second time");
  assert.equal(await readFile(path.join(dir, "berthd.lock"), "utf8"), String(child.pid), "the other owner's lock is left alone");
});

test("a stale lock whose pid is dead is taken over", async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, "berthd.lock"), "999999");
  const release = await lockDataRoot(dir);
  assert.equal(await readFile(path.join(dir, "berthd.lock"), "utf8"), String(process.pid));
  await release();
  assert.equal(await exists(path.join(dir, "berthd.lock")), false);
});

test("an empty or garbage lock file is treated as stale", async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, "berthd.lock"), "");
  const release = await lockDataRoot(dir);
  await release();
});

test("release does not remove a lock that another process has taken since", async (t) => {
  const dir = await tempDir(t);
  const release = await lockDataRoot(dir);
  await writeFile(path.join(dir, "berthd.lock"), "12345");
  await release();
  assert.equal(await readFile(path.join(dir, "berthd.lock"), "utf8"), "12345");
});
