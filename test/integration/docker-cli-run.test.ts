/**
 * The real docker CLI (v28) against berthd: run with output and exit codes,
 * stdin piping, detached lifecycle, ps/inspect fields, env/workdir/user,
 * bind mounts, read-only rootfs, memory and pids limits, name conflicts.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

describe("docker CLI against berthd: run", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("run prints the container's output and removes it with --rm", async () => {
    const r = await d.docker(["run", "--rm", "busybox", "echo", "hello from berth"]);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "hello from berth\n");
    assert.equal(r.code, 0);
    const ps = await d.docker(["ps", "-aq"]);
    assert.equal(ps.stdout.trim(), "", "the --rm container is gone");
  });

  test("run exits with the container's exit code; stderr stays stderr", async () => {
    const r = await d.docker(["run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 7"]);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, "out\n");
    assert.equal(r.stderr, "err\n");
  });

  test("a missing command is exit 127, a non-executable one 126", async () => {
    const nf = await d.docker(["run", "--rm", "busybox", "no-such-binary"]);
    assert.equal(nf.code, 127, nf.stderr);
    assert.match(nf.stderr, /no-such-binary/);
    const ne = await d.docker(["run", "--rm", "busybox", "/etc/passwd"]);
    assert.equal(ne.code, 126, ne.stderr);
  });

  test("stdin is piped with -i", async () => {
    const r = await d.docker(["run", "--rm", "-i", "busybox", "cat"], { input: "x\ny\n" });
    assert.equal(r.stdout, "x\ny\n", r.stderr);
    assert.equal(r.code, 0);
    const wc = await d.docker(["run", "--rm", "-i", "busybox", "wc", "-c"], { input: Buffer.alloc(300_000, 97) });
    assert.equal(wc.stdout.trim(), "300000", wc.stderr);
  });

  test("detached run, logs, ps, inspect, stop, rm", async () => {
    const run = await d.docker(["run", "-d", "--name", "web", "-e", "A=1", "-l", "team=core", "busybox", "sh", "-c", "echo started; trap 'echo bye; exit 0' TERM; while true; do sleep 0.1; done"]);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    let logs = "";
    for (let i = 0; i < 50 && !logs.includes("started"); i++) {
      logs = (await d.docker(["logs", "web"])).stdout;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(logs, "started\n");
    const ps = await d.docker(["ps", "--format", "{{.ID}} {{.Names}} {{.Status}} {{.Image}}"]);
    assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)} web Up .+ busybox\\n$`));
    const filtered = await d.docker(["ps", "-q", "--filter", "label=team=core"]);
    assert.equal(filtered.stdout.trim(), id.slice(0, 12));
    const none = await d.docker(["ps", "-q", "--filter", "label=team=other"]);
    assert.equal(none.stdout.trim(), "");
    const insp = JSON.parse((await d.docker(["inspect", "web"])).stdout)[0];
    assert.equal(insp.Id, id);
    assert.equal(insp.Name, "/web");
    assert.equal(insp.State.Status, "running");
    assert.equal(insp.State.Running, true);
    assert.ok(insp.State.Pid > 0);
    assert.ok(insp.Config.Env.includes("A=1"));
    assert.deepEqual(insp.Config.Cmd.slice(0, 2), ["sh", "-c"]);
    const fmt = await d.docker(["inspect", "-f", "{{.State.Status}} {{.Config.Labels.team}}", "web"]);
    assert.equal(fmt.stdout.trim(), "running core");
    const stop = await d.docker(["stop", "web"]);
    assert.equal(stop.code, 0, stop.stderr);
    const st = JSON.parse((await d.docker(["inspect", "web"])).stdout)[0].State;
    assert.equal(st.Status, "exited");
    assert.equal(st.ExitCode, 0, "the TERM trap ran and exited 0");
    assert.equal((await d.docker(["logs", "web"])).stdout, "started\nbye\n");
    const psa = await d.docker(["ps", "-a", "--format", "{{.Status}}"]);
    assert.match(psa.stdout, /^Exited \(0\) /);
    assert.equal((await d.docker(["rm", "web"])).code, 0);
    const gone = await d.docker(["inspect", "web"]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such (object|container): web/);
  });

  test("stop escalates to SIGKILL after the timeout", async () => {
    const run = await d.docker(["run", "-d", "busybox", "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"]);
    const id = run.stdout.trim();
    const stop = await d.docker(["stop", "-t", "1", id]);
    assert.equal(stop.code, 0, stop.stderr);
    const st = JSON.parse((await d.docker(["inspect", id])).stdout)[0].State;
    assert.equal(st.ExitCode, 137);
    await d.docker(["rm", id]);
  });

  test("env, workdir and user reach the process", async () => {
    const r = await d.docker(["run", "--rm", "-e", "FOO=bar", "-w", "/tmp/work", "-u", "nobody", "busybox", "sh", "-c", 'echo "$FOO $(pwd) $(id -u):$(id -g) $HOME $HOSTNAME"']);
    assert.equal(r.code, 0, r.stderr);
    const [foo, cwd, ids, home, hostname] = r.stdout.trim().split(" ");
    assert.equal(foo, "bar");
    assert.equal(cwd, "/tmp/work");
    assert.equal(ids, "65534:65534");
    assert.equal(home, "/home");
    assert.match(hostname!, /^[0-9a-f]{12}$/);
    const bad = await d.docker(["run", "--rm", "-u", "nosuchuser", "busybox", "true"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /nosuchuser/);
  });

  test("bind mounts, read-only binds and a read-only rootfs", async () => {
    const host = path.join(d.root, "share");
    await fs.mkdir(host);
    await fs.writeFile(path.join(host, "in.txt"), "from host\n");
    const r = await d.docker(["run", "--rm", "-v", `${host}:/data`, "busybox", "sh", "-c", "cat /data/in.txt; echo from container > /data/out.txt"]);
    assert.equal(r.stdout, "from host\n", r.stderr);
    assert.equal(await fs.readFile(path.join(host, "out.txt"), "utf8"), "from container\n");
    const ro = await d.docker(["run", "--rm", "-v", `${host}:/data:ro`, "busybox", "sh", "-c", "echo x > /data/nope"]);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    const rofs = await d.docker(["run", "--rm", "--read-only", "busybox", "sh", "-c", "touch /newfile"]);
    assert.notEqual(rofs.code, 0);
    assert.match(rofs.stderr, /Read-only file system/);
    const tmpfs = await d.docker(["run", "--rm", "--read-only", "--tmpfs", "/scratch", "busybox", "sh", "-c", "echo ok > /scratch/f && cat /scratch/f"]);
    assert.equal(tmpfs.stdout, "ok\n", tmpfs.stderr);
  });

  test("the memory limit is enforced: the process is OOM-killed and inspect says so", async () => {
    const run = await d.docker(["run", "--name", "oom", "-m", "16m", "busybox", "sh", "-c", "x=a; while true; do x=$x$x; done"]);
    assert.equal(run.code, 137, run.stderr);
    const st = JSON.parse((await d.docker(["inspect", "oom"])).stdout)[0].State;
    assert.equal(st.OOMKilled, true);
    assert.equal(st.ExitCode, 137);
    const limit = await d.docker(["run", "--rm", "-m", "32m", "busybox", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"]);
    assert.equal(limit.stdout.trim(), String(32 * 1024 * 1024));
    await d.docker(["rm", "oom"]);
  });

  test("the pids limit is enforced", async () => {
    const r = await d.docker(["run", "--rm", "--pids-limit", "8", "busybox", "sh", "-c", "for i in $(seq 1 20); do sleep 2 & done; wait; echo done"]);
    assert.match(r.stderr, /can't fork|Resource temporarily unavailable|fork/i);
  });

  test("capabilities, privileged, no-new-privileges, ulimits, cpus and --init reach the container", async () => {
    const capEff = async (args: string[]) => (await d.docker(["run", "--rm", ...args, "busybox", "sh", "-c", "grep CapEff /proc/self/status"])).stdout.trim().split(/\s+/)[1];
    const dflt = BigInt("0x" + (await capEff([])));
    assert.equal(dflt, 0xa80425fbn, "Docker's default capability set");
    assert.equal(BigInt("0x" + (await capEff(["--cap-drop", "ALL"]))), 0n);
    assert.equal(BigInt("0x" + (await capEff(["--cap-drop", "ALL", "--cap-add", "NET_ADMIN"]))), 1n << 12n);
    assert.ok(BigInt("0x" + (await capEff(["--privileged"]))) > dflt);
    const chown = await d.docker(["run", "--rm", "--cap-drop", "CHOWN", "busybox", "chown", "nobody", "/tmp"]);
    assert.notEqual(chown.code, 0);
    assert.match(chown.stderr, /Operation not permitted/);
    const nnp = await d.docker(["run", "--rm", "--security-opt", "no-new-privileges", "busybox", "grep", "NoNewPrivs", "/proc/self/status"]);
    assert.match(nnp.stdout, /NoNewPrivs:\s+1/);
    const ul = await d.docker(["run", "--rm", "--ulimit", "nofile=1024:2048", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn"]);
    assert.equal(ul.stdout, "1024\n2048\n", ul.stderr);
    const cpu = await d.docker(["run", "--rm", "--cpus", "1.5", "busybox", "sh", "-c", "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max"]);
    assert.equal(cpu.stdout.trim(), "150000", cpu.stderr);
    const init = await d.docker(["run", "--rm", "--init", "busybox", "cat", "/proc/1/comm"]);
    assert.equal(init.stdout.trim(), "docker-init", init.stderr);
    const noInit = await d.docker(["run", "--rm", "busybox", "cat", "/proc/1/comm"]);
    assert.equal(noInit.stdout.trim(), "cat");
  });

  test("--oom-score-adj and --oom-kill-disable reach the container", async () => {
    const adj = await d.docker(["run", "--rm", "--oom-score-adj", "500", "busybox", "cat", "/proc/self/oom_score_adj"]);
    assert.equal(adj.stdout.trim(), "500", adj.stderr);
    const bad = await d.docker(["run", "--rm", "--oom-score-adj", "5000", "busybox", "true"]);
    assert.notEqual(bad.code, 0);
    const v1 = await fs.access("/sys/fs/cgroup/memory/memory.oom_control").then(() => true, () => false);
    const ctl = await d.docker(["run", "--rm", "-m", "32m", "--oom-kill-disable", "busybox", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null | head -1"]);
    if (v1) assert.equal(ctl.stdout.trim(), "oom_kill_disable 1", ctl.stderr);
    const id = (await d.docker(["create", "--oom-kill-disable", "-m", "32m", "busybox", "true"])).stdout.trim();
    assert.equal((await d.docker(["inspect", "-f", "{{.HostConfig.OomKillDisable}}", id])).stdout.trim(), "true");
    await d.docker(["rm", id]);
  });

  test("create then start -a prints the output and exits with the code", async () => {
    const id = (await d.docker(["create", "busybox", "sh", "-c", "echo attached; exit 5"])).stdout.trim();
    const r = await d.docker(["start", "-a", id]);
    assert.equal(r.stdout, "attached\n");
    assert.equal(r.code, 5);
    await d.docker(["rm", id]);
  });

  test("two containers with one name: 409 and the first one is untouched", async () => {
    const a = await d.docker(["create", "--name", "twin", "busybox", "true"]);
    assert.equal(a.code, 0, a.stderr);
    const b = await d.docker(["create", "--name", "twin", "busybox", "true"]);
    assert.notEqual(b.code, 0);
    assert.match(b.stderr, /Conflict\. The container name "\/twin" is already in use/);
    const r = await d.api("POST", "/v1.43/containers/create?name=twin", { Image: "busybox", Cmd: ["true"] });
    assert.equal(r.status, 409);
    assert.equal((await d.docker(["rm", "twin"])).code, 0);
  });

  test("rename, restart, kill and wait", async () => {
    const id = (await d.docker(["run", "-d", "--name", "r1", "busybox", "sleep", "300"])).stdout.trim();
    assert.equal((await d.docker(["rename", "r1", "r2"])).code, 0);
    assert.equal(JSON.parse((await d.docker(["inspect", "r2"])).stdout)[0].Id, id);
    const pid1 = JSON.parse((await d.docker(["inspect", "r2"])).stdout)[0].State.Pid;
    assert.equal((await d.docker(["restart", "-t", "0", "r2"])).code, 0);
    const pid2 = JSON.parse((await d.docker(["inspect", "r2"])).stdout)[0].State.Pid;
    assert.notEqual(pid1, pid2);
    const waiter = d.docker(["wait", "r2"]);
    await new Promise((r) => setTimeout(r, 200));
    // PID 1 ignores signals it has no handler for (USR1 would do nothing), so KILL it
    assert.equal((await d.docker(["kill", "r2"])).code, 0);
    assert.equal((await waiter).stdout.trim(), "137");
    const again = await d.docker(["kill", "r2"]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /is not running/);
    assert.equal((await d.docker(["rm", "r2"])).code, 0);
  });

  test("ps -s shows the writable layer's size; logs --since/--tail filter", async () => {
    const id = (await d.docker(["run", "-d", "busybox", "sh", "-c", "head -c 3000000 /dev/zero > /big; echo one; echo two; echo three; sleep 300"])).stdout.trim();
    let size = "";
    for (let i = 0; i < 50 && !/^3(\.\d+)?MB/.test(size); i++) {
      size = (await d.docker(["ps", "-s", "--filter", `id=${id}`, "--format", "{{.Size}}"])).stdout.trim();
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(size, /^3(\.\d+)?MB \(virtual \d/);
    assert.equal((await d.docker(["logs", "--tail", "2", id])).stdout, "two\nthree\n");
    assert.equal((await d.docker(["logs", "--since", "1h", id])).stdout, "one\ntwo\nthree\n");
    assert.equal((await d.docker(["logs", "--until", "1h", id])).stdout, "");
    const ts = (await d.docker(["logs", "-t", "--tail", "1", id])).stdout;
    assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z three\n$/);
    assert.equal((await d.docker(["rm", "-f", id])).code, 0);
  });

  test("logs -f follows until the container exits", async () => {
    const id = (await d.docker(["run", "-d", "busybox", "sh", "-c", "for i in 1 2 3; do echo $i; sleep 0.2; done"])).stdout.trim();
    const r = await d.docker(["logs", "-f", id]);
    assert.equal(r.stdout, "1\n2\n3\n");
    await d.docker(["rm", id]);
  });

  test("rm refuses a running container unless forced", async () => {
    const id = (await d.docker(["run", "-d", "busybox", "sleep", "300"])).stdout.trim();
    const r = await d.docker(["rm", id]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /stop the container before removing or force remove/);
    assert.equal((await d.docker(["rm", "-f", id])).code, 0);
    assert.doesNotMatch((await d.docker(["ps", "-aq", "--no-trunc"])).stdout, new RegExp(id));
  });

  test("network none gives loopback only; host shares the host's network", async () => {
    const none = await d.docker(["run", "--rm", "--network", "none", "busybox", "sh", "-c", "ls /sys/class/net"]);
    assert.equal(none.stdout.trim(), "lo");
    const host = await d.docker(["run", "--rm", "--network", "host", "busybox", "sh", "-c", "ls /sys/class/net | wc -l"]);
    const hostIfaces = (await fs.readdir("/sys/class/net")).length;
    assert.equal(Number(host.stdout.trim()), hostIfaces);
  });
});
