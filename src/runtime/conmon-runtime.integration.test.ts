/**
 * Real runc + conmon, as root, on a busybox rootfs (see
 * test/fixtures/runtime/busybox-harness.ts). Every container is deleted in
 * t.after, and the test fails if a cgroup is left behind.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { Harness, skipReason } from "../../test/fixtures/runtime/busybox-harness.js";
import { RuntimeCreateError } from "./create-error.js";

const skip = skipReason();

describe("ConmonRuntime (runc + conmon)", { skip, concurrency: 2 }, () => {
  let h: Harness;
  before(async () => {
    h = await Harness.open();
  });
  after(async () => {
    const leftovers = await h?.cleanup();
    assert.deepEqual(leftovers ?? [], [], "cgroups left behind");
  });

  it("runs echo hi; output lands in the k8s-file log", async () => {
    const c = await h.container(["echo", "hi"]);
    const { pid, conmonPid } = await c.create();
    assert.ok(pid > 0 && conmonPid > 0);
    assert.equal((await h.driver.state(c.id))?.status, "created");
    await c.start();
    const exit = await c.waitExit();
    assert.equal(exit.exitCode, 0);
    assert.equal(exit.oomKilled, false);
    assert.equal(await c.logText(), "hi\n");
    assert.equal((await h.driver.state(c.id))?.status, "stopped");
    await h.driver.delete(c.id);
    assert.equal(await h.driver.state(c.id), undefined);
    await h.driver.delete(c.id); // already gone: no error
  });

  it("reports exit code 3 and the finish time", async () => {
    const c = await h.container(["sh", "-c", "exit 3"]);
    const before = Date.now();
    await c.create();
    await c.start();
    const exit = await c.waitExit();
    assert.equal(exit.exitCode, 3);
    assert.ok(exit.finishedAt.getTime() >= before - 1000);
  });

  it("a missing executable fails create with runc's message (Docker: 127)", async () => {
    const c = await h.container(["/bin/definitely-not-here"]);
    const err = await c.create().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof RuntimeCreateError, String(err));
    assert.match(err.message, /definitely-not-here/);
    assert.equal(err.containerExitCode, 127);
  });

  it("stdin through the attach socket reaches cat; EOF closes it", async () => {
    const c = await h.container(["sh", "-c", "cat; echo done"], { openStdin: true });
    await c.create();
    const stdin = await h.driver.openStdin(c.opts);
    stdin.write("line1\n");
    await c.start();
    stdin.write("line2\n");
    stdin.end();
    const exit = await c.waitExit();
    assert.equal(exit.exitCode, 0);
    assert.equal(await c.logText(), "line1\nline2\ndone\n");
  });

  it("memory 32m: an allocation beyond it is OOM-killed (137, oomKilled)", async () => {
    const c = await h.container(["sh", "-c", 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo ${#x}'], {
      resources: { memory: 32 * 1024 * 1024 },
    });
    await c.create();
    await c.start();
    const exit = await c.waitExit(60_000);
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.oomKilled, true);
  });

  it("pids limit blocks forks", async () => {
    const c = await h.container(["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo forked"], {
      resources: { pidsLimit: 4 },
    });
    await c.create();
    await c.start();
    await c.waitExit();
    assert.match(await c.logText(), /can't fork|Resource temporarily unavailable/);
  });

  it("kill SIGTERM stops a container under --init (tini forwards it)", async () => {
    const c = await h.container(["sleep", "100"], { init: true });
    await c.create();
    await c.start();
    assert.equal((await h.driver.state(c.id))?.status, "running");
    await h.driver.pause(c.id);
    assert.equal((await h.driver.state(c.id))?.status, "paused");
    await h.driver.resume(c.id);
    await h.driver.kill(c.id, "TERM");
    const exit = await c.waitExit();
    assert.equal(exit.exitCode, 143);
    await h.driver.kill(c.id, "KILL"); // not running any more: no error
  });

  it("conmon is detached: not our child, own session, survives without us", async () => {
    const c = await h.container(["sleep", "100"]);
    const { conmonPid } = await c.create();
    await c.start();
    const stat = await fs.readFile(`/proc/${conmonPid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [ppid, , sid] = [Number(fields[1]), Number(fields[2]), Number(fields[3])];
    assert.notEqual(ppid, process.pid);
    assert.notEqual(sid, Number((await fs.readFile("/proc/self/stat", "utf8")).split(") ")[1]!.split(" ")[3]));
    // conmon holds none of our stdio.
    const ours = await fs.readlink("/proc/self/fd/1").catch(() => "");
    for (const fd of await fs.readdir(`/proc/${conmonPid}/fd`)) {
      const target = await fs.readlink(`/proc/${conmonPid}/fd/${fd}`).catch(() => "");
      if (ours.startsWith("pipe:") || ours.startsWith("socket:")) assert.notEqual(target, ours);
    }
    assert.equal((await h.driver.state(c.id))?.status, "running");
    await h.driver.kill(c.id, "KILL");
    assert.equal((await c.waitExit()).exitCode, 137);
  });

  it("create+start of `true` is fast", async (t) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await h.container(["true"]);
      const t0 = process.hrtime.bigint();
      await c.create();
      await c.start();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await c.waitExit();
      await h.driver.delete(c.id);
    }
    times.sort((a, b) => a - b);
    t.diagnostic(`create+start true: median ${times[2]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)})`);
  });
});
