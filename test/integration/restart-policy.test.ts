/**
 * Restart policies: always / on-failure:N / unless-stopped act on exits,
 * a user's stop ends them, and berthd applies them at start for containers
 * that died while it was down.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

async function inspect(d: TestDaemon, name: string) {
  return JSON.parse((await d.docker(["inspect", name])).stdout)[0];
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

describe("pause and restart policies", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("pause stops a counter, unpause resumes it", async () => {
    assert.equal((await d.docker(["run", "-d", "--name", "ticker", "busybox", "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/c; sleep 0.05; done"])).code, 0);
    const upper = (await inspect(d, "ticker")).GraphDriver.Data.UpperDir as string;
    const read = async () => Number((await fs.readFile(path.join(upper, "tmp/c"), "utf8").catch(() => "0")).trim() || 0);
    await until(read, (n) => n > 2);
    assert.equal((await d.docker(["pause", "ticker"])).code, 0);
    const info = await inspect(d, "ticker");
    assert.equal(info.State.Status, "paused");
    assert.equal(info.State.Paused, true);
    const a = await read();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await read(), a, "no progress while paused");
    assert.match((await d.docker(["exec", "ticker", "true"])).stderr, /paused/);
    assert.equal((await d.docker(["unpause", "ticker"])).code, 0);
    const b = await until(read, (n) => n > a + 2);
    assert.ok(b > a + 2);
    assert.equal((await d.docker(["rm", "-f", "ticker"])).code, 0);
  });

  test("on-failure:2 restarts a failing container twice, then leaves it exited", async () => {
    assert.equal((await d.docker(["run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 3"])).code, 0);
    const info = await until(() => inspect(d, "flaky"), (i) => i.RestartCount === 2 && i.State.Status === "exited");
    assert.equal(info.RestartCount, 2);
    await new Promise((r) => setTimeout(r, 1500));
    const later = await inspect(d, "flaky");
    assert.equal(later.RestartCount, 2);
    assert.equal(later.State.Status, "exited");
    assert.equal(later.State.ExitCode, 3);
    assert.equal(later.HostConfig.RestartPolicy.Name, "on-failure");
    assert.equal(later.HostConfig.RestartPolicy.MaximumRetryCount, 2);
  });

  test("always brings back a container whose process died; docker stop ends it", async () => {
    assert.equal((await d.docker(["run", "-d", "--name", "phoenix", "--restart", "always", "busybox", "sleep", "300"])).code, 0);
    const pid1 = (await inspect(d, "phoenix")).State.Pid;
    process.kill(pid1, "SIGKILL"); // dies from outside, not by the user's docker stop/kill
    const back = await until(() => inspect(d, "phoenix"), (i) => i.State.Running && i.State.Pid !== pid1);
    assert.equal(back.State.Running, true);
    assert.notEqual(back.State.Pid, pid1);
    assert.ok(back.RestartCount >= 1);
    assert.equal((await d.docker(["stop", "-t", "0", "phoenix"])).code, 0);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await inspect(d, "phoenix")).State.Status, "exited");
  });

  test("unless-stopped comes back at daemon start after dying while berthd was down; always comes back even after a stop", async () => {
    assert.equal((await d.docker(["run", "-d", "--name", "us", "--restart", "unless-stopped", "busybox", "sleep", "300"])).code, 0);
    const pid = (await inspect(d, "us")).State.Pid;
    await d.stopDaemon();
    process.kill(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    await d.start();
    const us = await until(() => inspect(d, "us"), (i) => i.State.Running);
    assert.equal(us.State.Running, true);
    assert.notEqual(us.State.Pid, pid);
    // phoenix (always) was stopped by the user in the previous test: Docker starts it again at daemon start
    const ph = await until(() => inspect(d, "phoenix"), (i) => i.State.Running);
    assert.equal(ph.State.Running, true);
    // and flaky (on-failure, retries used up) stays down
    assert.equal((await inspect(d, "flaky")).State.Status, "exited");
  });
});
