import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { ContainerRecord } from "../containers/types.js";
import { ContainerCgroups } from "./container-cgroup.js";
import { CpuSampler, MIN_AGE_MS } from "./cpu-sampler.js";

/** A cgroup v2 tree in a temp dir; the pid does not exist, so the container's cgroup is /<parent>/<id>. */
async function fakeHost(t: { after(fn: () => Promise<void>): void }) {
  const root = await fs.mkdtemp(path.join(tmpdir(), "berth-sampler-"));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  await fs.writeFile(path.join(root, "cgroup.controllers"), "cpu memory pids\n");
  const procStat = path.join(root, "proc-stat");
  const setCpu = async (id: string, usageUsec: number, hostTicks: number) => {
    await fs.mkdir(path.join(root, "berth", id), { recursive: true });
    await fs.writeFile(path.join(root, "berth", id, "cpu.stat"), `usage_usec ${usageUsec}\nuser_usec ${usageUsec}\nsystem_usec 0\n`);
    await fs.writeFile(procStat, `cpu  ${hostTicks} 0 0 0 0 0 0 0 0 0\ncpu0 ${hostTicks} 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n`);
  };
  return { cgroups: new ContainerCgroups("berth", root), procStat, setCpu };
}

const running = (id: string, pid: number) => ({ id, state: { status: "running", pid } }) as unknown as ContainerRecord;
const NO_PID = 2 ** 22 + 7; // above pid_max: /proc/<pid>/cgroup never exists

test("previous() gives the newest snapshot at least MIN_AGE_MS old, tied to the container's pid", async (t) => {
  const host = await fakeHost(t);
  let list = [running("c1", NO_PID)];
  const sampler = new CpuSampler({ containers: { list: () => list }, cgroups: host.cgroups, procStat: host.procStat });
  await host.setCpu("c1", 1000, 100);
  await sampler.tick();
  const first = sampler.previous("c1", NO_PID, Date.now() + MIN_AGE_MS);
  assert.ok(first, "a snapshot MIN_AGE_MS old is used");
  assert.equal(first.cgroup.cpu.totalNs, 1_000_000);
  assert.equal(first.systemNs, 1e9); // 100 ticks of 10 ms
  assert.equal(first.onlineCpus, 2);
  const t1 = first.read.getTime();
  assert.equal(sampler.previous("c1", NO_PID, t1 + MIN_AGE_MS - 1), undefined, "too young");
  assert.equal(sampler.previous("c1", NO_PID + 1, t1 + MIN_AGE_MS), undefined, "another pid: the container restarted");
  assert.equal(sampler.previous("c1", NO_PID, t1 + 60_000), undefined, "stale");

  await new Promise((r) => setTimeout(r, 5)); // the second snapshot is strictly younger
  await host.setCpu("c1", 5000, 200);
  await sampler.tick();
  const second = sampler.previous("c1", NO_PID, Date.now() + MIN_AGE_MS);
  assert.equal(second?.cgroup.cpu.totalNs, 5_000_000, "the newest one once it is old enough");
  assert.ok(second.read.getTime() > t1);
  // the newest too young, the one before it old enough: that one
  assert.equal(sampler.previous("c1", NO_PID, t1 + MIN_AGE_MS)?.cgroup.cpu.totalNs, 1_000_000);

  list = [];
  await sampler.tick();
  assert.equal(sampler.previous("c1", NO_PID, Date.now() + MIN_AGE_MS), undefined, "a container that stopped is forgotten");
});

test("no running container: a tick reads nothing and keeps nothing", async (t) => {
  const host = await fakeHost(t);
  const sampler = new CpuSampler({ containers: { list: () => [{ id: "x", state: { status: "exited", exitCode: 0 } } as unknown as ContainerRecord] }, cgroups: host.cgroups, procStat: host.procStat });
  await sampler.tick();
  assert.equal(sampler.previous("x", NO_PID, Date.now() + MIN_AGE_MS), undefined);
});
