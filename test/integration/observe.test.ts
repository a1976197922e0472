/**
 * Observing containers with the real docker CLI against berthd: events (live,
 * filtered, and the since/until backlog, in order), top, stats --no-stream
 * (a memory figure that moves when the container allocates), update (the
 * new limit is what the container's cgroup shows), port, system df, and the
 * prunes (container, image, system prune -f).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { readFile } from "node:fs/promises";
import { DOCKER, busyboxTar, importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

/** Parses the CLI's "31.5MiB" style sizes. */
function bytesOf(s: string): number {
  const m = /^([\d.]+)\s*([KMGT]?i?B)$/.exec(s.trim());
  if (!m) throw new Error(`not a size: ${s}`);
  const mult: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 };
  return Number(m[1]) * (mult[m[2]!] ?? 1);
}

describe("docker events/top/stats/update/port/df/prune against berthd", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("events: a live filtered stream and the since/until backlog show create, start, die, destroy in order", async () => {
    const t0 = Math.floor(Date.now() / 1000);
    // --since makes the stream start with the backlog from t0, so nothing is lost while the CLI connects
    const child = spawn(DOCKER, ["events", "--since", String(t0), "--filter", "container=ev1", "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"], { env: { ...process.env, ...d.env } });
    let live = "";
    const sawDestroy = new Promise<void>((resolve) => {
      child.stdout.on("data", (b) => {
        live += b;
        if (live.includes("destroy")) resolve();
      });
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await d.docker(["run", "-d", "--name", "ev1", "busybox", "sleep", "300"])).code, 0);
      assert.equal((await d.docker(["run", "--rm", "--name", "other", "busybox", "true"])).code, 0);
      assert.equal((await d.docker(["stop", "-t", "0", "ev1"])).code, 0);
      assert.equal((await d.docker(["rm", "ev1"])).code, 0);
      await Promise.race([sawDestroy, new Promise((_, rej) => setTimeout(() => rej(new Error(`no destroy event; got: ${live}`)), 10_000))]);
    } finally {
      child.kill("SIGINT");
    }
    assert.deepEqual(live.trim().split("\n"), ["container create ev1", "container start ev1", "container die ev1", "container destroy ev1"]);

    const until = String(Math.ceil(Date.now() / 1000) + 1);
    await new Promise((r) => setTimeout(r, 1100)); // until must be in the past for the CLI to end by itself
    const back = await d.docker(["events", "--since", String(t0), "--until", until, "--format", "{{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes \"exitCode\"}}"]);
    assert.equal(back.code, 0, back.stderr);
    const ev1 = back.stdout.trim().split("\n").filter((l) => / ev1 ?/.test(l));
    assert.deepEqual(ev1.map((l) => l.trim()), ["create ev1", "start ev1", "die ev1 137", "destroy ev1"]);
    const filtered = await d.docker(["events", "--since", "0", "--until", until, "--filter", "type=container", "--filter", "event=start", "--format", "{{json .}}"]);
    const starts = filtered.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(starts.map((e) => e.Actor.Attributes.name), ["ev1", "other"]);
    assert.equal(starts[0].status, "start");
    assert.equal(starts[0].from, "busybox");
    assert.equal(starts[0].scope, "local");
    assert.ok(starts[0].timeNano > starts[0].time * 1e9 - 1e9);
    assert.equal((await d.api("GET", "/events?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D&until=1")).status, 400);
  });

  test("top shows the container's sleep; ps_args choose the columns; a stopped container is 409", async () => {
    assert.equal((await d.docker(["run", "-d", "--name", "topbox", "busybox", "sleep", "301"])).code, 0);
    const r = await d.docker(["top", "topbox"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.split("\n")[0]!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD/);
    assert.match(r.stdout, /sleep 301/);
    assert.equal(r.stdout.trim().split("\n").length, 2, "only the container's process");
    const o = await d.docker(["top", "topbox", "-o", "pid,args"]);
    assert.match(o.stdout, /PID\s+COMMAND/);
    assert.match(o.stdout, /sleep 301/);
    assert.equal((await d.docker(["create", "--name", "idle", "busybox", "true"])).code, 0);
    assert.equal((await d.api("GET", "/containers/idle/top")).status, 409);
  });

  test("port prints nothing and exits 0 (no published ports without networks)", async () => {
    const r = await d.docker(["port", "topbox"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
  });

  test("stats --no-stream shows CPU % and a memory figure that moves with a 30 MB allocation", async () => {
    assert.equal((await d.docker(["run", "-d", "--name", "mem", "busybox", "sleep", "300"])).code, 0);
    const fmt = ["stats", "--no-stream", "--format", "{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.PIDs}}", "mem"];
    const before = await d.docker(fmt);
    assert.equal(before.code, 0, before.stderr);
    const [name, cpu, memUsage, pids] = before.stdout.trim().split("|");
    assert.equal(name, "mem");
    assert.match(cpu!, /^\d+\.\d+%$/);
    assert.equal(pids, "1");
    const [used0, limit] = memUsage!.split(" / ");
    assert.ok(bytesOf(limit!) > 100 * 1024 * 1024, memUsage);
    const fill = await d.docker(["exec", "mem", "dd", "if=/dev/zero", "of=/dev/shm/fill", "bs=1M", "count=30"]);
    assert.equal(fill.code, 0, fill.stderr);
    const afterFill = await d.docker(fmt);
    const used1 = afterFill.stdout.trim().split("|")[2]!.split(" / ")[0]!;
    assert.ok(bytesOf(used1) >= 30 * 1024 * 1024, `after: ${used1}, before: ${used0}`);
    assert.ok(bytesOf(used1) > bytesOf(used0!));

    const api = (await d.api("GET", "/containers/mem/stats?stream=0&one-shot=1")).json();
    assert.equal(api.name, "/mem");
    assert.ok(api.cpu_stats.cpu_usage.total_usage > 0);
    assert.ok(api.cpu_stats.system_cpu_usage > 0);
    assert.ok(api.memory_stats.usage >= 30 * 1024 * 1024);
    assert.equal(api.pids_stats.current, 1);
  });

  test("stats stream=0 takes precpu from the background sampler: a busy loop shows CPU %, an idle container 0 %", async (t) => {
    t.after(async () => {
      await d.docker(["rm", "-f", "hot", "cold"]);
    });
    assert.equal((await d.docker(["run", "-d", "--name", "hot", "busybox", "sh", "-c", "while :; do :; done"])).code, 0);
    assert.equal((await d.docker(["run", "-d", "--name", "cold", "busybox", "sleep", "300"])).code, 0);
    // The CLI's formula (docker/cli stats_helpers.go calculateCPUPercentUnix).
    const cpuPercent = (s: { cpu_stats: any; precpu_stats: any }) =>
      ((s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage) / (s.cpu_stats.system_cpu_usage - s.precpu_stats.system_cpu_usage)) *
      s.cpu_stats.online_cpus *
      100;
    /** stats?stream=0 once the sampler has a snapshot of the container (up to ~10 s after start). */
    const sampled = async (name: string) => {
      for (let i = 0; ; i++) {
        const sent = Date.now();
        const s = (await d.api("GET", `/containers/${name}/stats?stream=0`)).json();
        // precpu from a snapshot taken before the request was sent, not from waiting for a second sample
        if (Date.parse(s.preread) < sent || i >= 40) return { s, sent };
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    for (const [name, isBusy] of [["hot", true], ["cold", false]] as const) {
      const { s, sent } = await sampled(name);
      assert.ok(Date.parse(s.preread) < sent, `${name}: preread ${s.preread} is not before the request (${new Date(sent).toISOString()})`);
      assert.ok(Date.parse(s.read) >= sent - 5, `${name}: read ${s.read} is the request's own sample`);
      const interval = Date.parse(s.read) - Date.parse(s.preread);
      assert.ok(interval >= 500 && interval <= 5000, `${name}: precpu is ${interval} ms old`);
      assert.ok(s.precpu_stats.system_cpu_usage < s.cpu_stats.system_cpu_usage);
      const pct = cpuPercent(s);
      if (isBusy) assert.ok(pct > 5, `busy loop at ${pct} %`);
      else assert.equal(pct, 0, `sleeping container at ${pct} %`);
    }
    const r = await d.docker(["stats", "--no-stream", "--format", "{{.Name}} {{.CPUPerc}}", "hot", "cold"]);
    assert.equal(r.code, 0, r.stderr);
    const cpu = Object.fromEntries(r.stdout.trim().split("\n").map((l) => l.split(" ")));
    assert.ok(Number.parseFloat(cpu["hot"]) > 5, r.stdout);
    assert.equal(cpu["cold"], "0.00%", r.stdout);
  });

  test("streamed stats: one object per second until the client goes away", async () => {
    const child = spawn(DOCKER, ["stats", "--format", "{{.Name}} {{.MemUsage}}", "mem"], { env: { ...process.env, ...d.env } });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    const closed = new Promise((r) => child.once("close", r));
    await new Promise((r) => setTimeout(r, 3500));
    // the CLI keeps its (now empty) table up after SIGINT when stdout is not a terminal: kill it
    child.kill("SIGKILL");
    await closed;
    assert.ok((out.match(/mem \d/g) ?? []).length >= 3, out);
  });

  test("update: the running container's cgroup gets the new memory limit and inspect shows it", async () => {
    const r = await d.docker(["update", "--memory", "64m", "--memory-swap", "128m", "--cpus", "0.5", "--pids-limit", "50", "mem"]);
    assert.equal(r.code, 0, r.stderr);
    const cat = await d.docker(["exec", "mem", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"]);
    assert.equal(cat.stdout.trim(), "67108864", cat.stderr);
    const hc = JSON.parse((await d.docker(["inspect", "--format", "{{json .HostConfig}}", "mem"])).stdout);
    assert.equal(hc.Memory, 67108864);
    assert.equal(hc.MemorySwap, 134217728);
    assert.equal(hc.NanoCpus, 500_000_000);
    assert.equal(hc.PidsLimit, 50);
    const stats = (await d.api("GET", "/containers/mem/stats?stream=0&one-shot=1")).json();
    assert.equal(stats.memory_stats.limit, 67108864);
    const rp = await d.docker(["update", "--restart", "on-failure:2", "idle"]);
    assert.equal(rp.code, 0, rp.stderr);
    assert.equal((await d.docker(["inspect", "--format", "{{.HostConfig.RestartPolicy.Name}}", "idle"])).stdout.trim(), "on-failure");
    const bad = await d.docker(["update", "--memory", "1k", "mem"]);
    assert.notEqual(bad.code, 0);
  });

  test("system df lists images and containers with sizes", async () => {
    const r = await d.docker(["system", "df"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE/);
    assert.match(r.stdout, /Images\s+1\s+1/);
    assert.match(r.stdout, /Containers\s+3\s+2/);
    const df = (await d.api("GET", "/system/df")).json();
    assert.ok(df.LayersSize > 0);
    assert.equal(df.Images[0].Containers, 3);
    assert.ok(df.Containers.every((c: { SizeRw: number }) => typeof c.SizeRw === "number"));
    assert.deepEqual(df.Volumes, []);
  });

  test("container prune removes only stopped containers; image prune removes dangling images; system prune -f runs", async () => {
    const idleId = (await d.docker(["inspect", "--format", "{{.Id}}", "idle"])).stdout.trim();
    const cp = await d.docker(["container", "prune", "-f"]);
    assert.equal(cp.code, 0, cp.stderr);
    assert.match(cp.stdout, new RegExp(idleId));
    assert.match(cp.stdout, /Total reclaimed space/);
    const names = (await d.docker(["ps", "-a", "--format", "{{.Names}}"])).stdout.trim().split("\n").sort();
    assert.deepEqual(names, ["mem", "topbox"]);

    // an import without a repository leaves an image with no tag: dangling
    const imp = await d.api("POST", "/images/create?fromSrc=-", await readFile(await busyboxTar()), { "Content-Type": "application/x-tar" });
    assert.equal(imp.status, 200, imp.body.toString());
    const dangling = String(JSON.parse(imp.body.toString().trim().split("\n").at(-1)!).status);
    assert.match(dangling, /^sha256:/);
    const ip = await d.docker(["image", "prune", "-f"]);
    assert.equal(ip.code, 0, ip.stderr);
    const left = (await d.api("GET", "/images/json?all=1")).json().map((i: { Id: string }) => i.Id);
    assert.ok(!left.includes(dangling), "dangling image is gone");
    assert.match(ip.stdout, new RegExp(`deleted: ${dangling}`));
    assert.ok((await d.docker(["image", "inspect", "busybox"])).code === 0, "used image kept");

    assert.equal((await d.docker(["stop", "-t", "0", "topbox"])).code, 0);
    const sp = await d.docker(["system", "prune", "-f"]);
    assert.equal(sp.code, 0, sp.stderr);
    assert.match(sp.stdout, /Total reclaimed space/);
    assert.deepEqual((await d.docker(["ps", "-a", "--format", "{{.Names}}"])).stdout.trim().split("\n"), ["mem"]);
  });
});
