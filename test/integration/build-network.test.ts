/**
 * One network sandbox per build, shared by its RUN steps
 * (engine/networks/container-networks.ts): every RUN reaches the host
 * through the bridge from the same address and the same network namespace,
 * with its own hostname (its short ID), /etc/hosts line and UTS/PID/mount/IPC
 * namespaces. The sandbox goes when the build ends (success, a failing RUN,
 * the client killed, berthd stopped) and at berthd's start after a kill -9 mid-build: no
 * veth, netns bind mount or address lease is left (the /30 bridge below has
 * one address: a container can only start once the build gave it back;
 * iptables rules are checked by the harness at stop).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { test } from "node:test";
import { DOCKER, eventually, importBusybox, isRoot, runCmd, startDaemon, type TestDaemon } from "./harness.js";
import { listContainers, writeContext } from "./build-lib.js";

const skip = !isRoot && "needs root";

/** A /30 default bridge: its gateway and exactly one container address. */
function tinyBip(): string {
  return `10.${64 + Math.floor(Math.random() * 190)}.${Math.floor(Math.random() * 256)}.${4 * Math.floor(Math.random() * 64) + 1}/30`;
}

/** The host ends of veths on the daemon's bridge. */
async function vethsOn(d: TestDaemon): Promise<string[]> {
  const links = JSON.parse((await runCmd(["ip", "-j", "link"])).stdout || "[]") as Array<{ ifname: string; master?: string }>;
  return links.filter((l) => l.master === d.net.bridge).map((l) => l.ifname);
}

async function netnsLeft(d: TestDaemon): Promise<string[]> {
  const dir = path.join(d.execRoot, "netns");
  const files = existsSync(dir) ? await fs.readdir(dir) : [];
  const info = await fs.readFile("/proc/self/mountinfo", "utf8");
  const mounts = info.split("\n").map((l) => l.split(" ")[4] ?? "").filter((m) => m.startsWith(dir));
  return [...files.map((f) => `file ${f}`), ...mounts.map((m) => `mount ${m}`)];
}

/** The build's sandbox is removed in the background right after the build: waits for it (up to 5 s). */
async function assertNoSandboxLeft(d: TestDaemon, when: string): Promise<void> {
  await eventually(`${when}: the build's network sandbox`, async () => [...(await vethsOn(d)).map((v) => `veth ${v}`), ...(await netnsLeft(d))]);
}

/** The bridge's only address is free again: a container gets it. */
async function assertLeaseFree(d: TestDaemon, bip: string, when: string): Promise<void> {
  const r = await d.docker(["run", "--rm", "busybox:latest", "ip", "-4", "-o", "addr", "show", "eth0"], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `${when}: a container gets the bridge's only address: ${r.stderr}`);
  const [a, b, c, dd] = bip.split("/")[0]!.split(".").map(Number);
  assert.match(r.stdout, new RegExp(`inet ${a}\\.${b}\\.${c}\\.${dd! + 1}/30`), r.stdout);
}

function dockerBuild(d: TestDaemon, args: string[]) {
  return runCmd([DOCKER, "build", ...args], { env: { ...d.env, DOCKER_BUILDKIT: "0" }, timeoutMs: 120_000 });
}

/** Each RUN prints what it sees: its hostname, address, namespaces, /etc/hosts line and the host's answer through the bridge. */
const PROBE = (n: number, port: number) =>
  `RUN echo "S${n} host=$(hostname) ip=$(ip -4 -o addr show eth0 | awk '{print $4}') iflink=$(cat /sys/class/net/eth0/iflink) pid1=$$ net=$(readlink /proc/self/ns/net) uts=$(readlink /proc/self/ns/uts) pid=$(readlink /proc/self/ns/pid) mnt=$(readlink /proc/self/ns/mnt) ipc=$(readlink /proc/self/ns/ipc) hosts=[$(grep -w "$(hostname)" /etc/hosts | tr '\\t' ' ')] web=$(wget -qO- http://$(ip route | awk '/^default/ {print $3}'):${port}/s${n})"`;

test("a build's RUN steps share one sandbox: same address and netns, own hostname, /etc/hosts and namespaces, the host reachable; nothing left after", { skip }, async (t) => {
  const seen: string[] = [];
  const web = http.createServer((req, res) => {
    seen.push(`${req.url} ${req.socket.remoteAddress}`);
    res.end(`hello${req.url}`);
  });
  await new Promise<void>((r) => web.listen(0, "0.0.0.0", r));
  t.after(() => new Promise<void>((r) => web.close(() => r())));
  const port = (web.address() as AddressInfo).port;
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  // the second stage uses the first (the classic builder skips a stage nothing needs) and shares the sandbox too
  const dir = await writeContext({ Dockerfile: `FROM busybox:latest\n${PROBE(1, port)}\n${PROBE(2, port)}\nFROM busybox:latest\nCOPY --from=0 /bin/busybox /bb\n${PROBE(3, port)}\n` });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));

  const since = Math.floor(Date.now() / 1000) - 1;
  const r = await dockerBuild(d, ["--no-cache", "-t", "bnet:1", dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const steps = [1, 2, 3].map((n) => {
    const m = new RegExp(`^S${n} host=(\\S+) ip=(\\S+) iflink=(\\d+) pid1=(\\d+) net=(\\S+) uts=(\\S+) pid=(\\S+) mnt=(\\S+) ipc=(\\S+) hosts=\\[(.*)\\] web=(\\S*)$`, "m").exec(r.stdout);
    assert.ok(m, `step ${n} printed its probe: ${r.stdout}`);
    return { host: m[1]!, cidr: m[2]!, iflink: m[3]!, pid1: m[4]!, net: m[5]!, uts: m[6]!, pid: m[7]!, mnt: m[8]!, ipc: m[9]!, hosts: m[10]!, web: m[11]! };
  });
  const running = [...r.stdout.matchAll(/ ---> Running in ([0-9a-f]{12})\n/g)].map((m) => m[1]!);
  assert.equal(running.length, 3, r.stdout);
  for (const [i, s] of steps.entries()) {
    assert.equal(s.host, running[i], "the hostname is the RUN container's short ID, as with Docker");
    assert.equal(s.hosts, `${s.cidr.split("/")[0]} ${s.host}`, "/etc/hosts maps the hostname to the address");
    assert.equal(s.web, `hello/s${i + 1}`, "the host answers through the bridge");
  }
  assert.equal(new Set(steps.map((s) => s.cidr)).size, 1, "one address for the whole build");
  assert.equal(new Set(steps.map((s) => s.net)).size, 1, "one network namespace for the whole build");
  // (one veth: its host end's ifindex; namespace inode numbers alone could be reused by the kernel)
  assert.equal(new Set(steps.map((s) => s.iflink)).size, 1, "one veth for the whole build");
  // the other namespaces are the step's own: not the host's (sequential steps' inode numbers may repeat), the command is PID 1
  for (const k of ["net", "uts", "pid", "mnt", "ipc"] as const) {
    const host = await fs.readlink(`/proc/self/ns/${k}`);
    for (const s of steps) assert.notEqual(s[k], host, `a RUN's ${k} namespace is not the host's`);
  }
  for (const s of steps) assert.equal(s.pid1, "1", "the RUN's shell is PID 1 of its own PID namespace");
  const addr = steps[0]!.cidr.split("/")[0];
  assert.deepEqual(seen, [1, 2, 3].map((n) => `/s${n} ${addr}`), "the host saw every step come from that address");

  // events: each RUN container connects to and disconnects from the bridge, as with Docker; the build's sandbox is not seen
  const ev = await d.api("GET", `/events?since=${since}&until=${Math.ceil(Date.now() / 1000) + 1}&filters=${encodeURIComponent(JSON.stringify({ type: ["network"] }))}`);
  const netEvents = ev.body.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { Action: string; Actor: { Attributes: { container?: string } } });
  const byAction = (a: string) => netEvents.filter((e) => e.Action === a).map((e) => e.Actor.Attributes.container?.slice(0, 12));
  assert.deepEqual(byAction("connect"), running, "a connect event per RUN container");
  assert.deepEqual(byAction("disconnect"), running, "a disconnect event per RUN container");
  assert.deepEqual(await listContainers(d), [], "no RUN container is left");
  await assertNoSandboxLeft(d, "after the build");
  const net = (await d.api("GET", "/networks/bridge")).json<{ Containers: Record<string, unknown> }>();
  assert.deepEqual(net.Containers, {}, "network inspect lists no container after the build");
});

test("a failing RUN, and a build whose client is killed mid-RUN, leave no sandbox and give the address back; the RUN shows in ps and network inspect while it runs", { skip }, async (t) => {
  const bip = tinyBip();
  const d = await startDaemon(["--bip", bip]);
  t.after(() => d.stop());
  await importBusybox(d);
  const failing = await writeContext({ Dockerfile: "FROM busybox:latest\nRUN echo one > /one\nRUN exit 3\n" });
  t.after(() => fs.rm(failing, { recursive: true, force: true }));
  const f = await dockerBuild(d, ["--no-cache", failing]);
  assert.equal(f.code, 3, f.stderr + f.stdout);
  assert.match(f.stderr + f.stdout, /returned a non-zero code: 3/);
  await assertNoSandboxLeft(d, "after a failing RUN");
  await assertLeaseFree(d, bip, "after a failing RUN");

  const sleeping = await writeContext({ Dockerfile: "FROM busybox:latest\nRUN echo one > /one\nRUN sleep 60\n" });
  t.after(() => fs.rm(sleeping, { recursive: true, force: true }));
  const build = spawn(DOCKER, ["build", "--no-cache", sleeping], { env: { ...process.env, ...d.env, DOCKER_BUILDKIT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((r) => build.once("exit", r));
  t.after(() => build.kill("SIGKILL"));
  let out = "";
  const ctr = await new Promise<string>((resolve, reject) => {
    build.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /RUN sleep 60\n ---> Running in ([0-9a-f]{12})\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    build.once("exit", () => reject(new Error(`build ended before the RUN: ${out}`)));
  });
  // while it runs: the RUN container is what ps and network inspect show (as with Docker), with the build's address
  // (the "Running in" line comes just before the start)
  let ps: Array<{ Id: string }> = [];
  for (let i = 0; i < 50 && !ps.length; i++) {
    ps = (await d.api("GET", "/containers/json")).json<Array<{ Id: string }>>();
    if (!ps.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(ps.map((c) => c.Id.slice(0, 12)), [ctr]);
  const net = (await d.api("GET", "/networks/bridge")).json<{ Containers: Record<string, { IPv4Address: string }> }>();
  assert.deepEqual(Object.keys(net.Containers).map((id) => id.slice(0, 12)), [ctr]);
  const [a, b, c, dd] = bip.split("/")[0]!.split(".").map(Number);
  assert.equal(Object.values(net.Containers)[0]!.IPv4Address, `${a}.${b}.${c}.${dd! + 1}/30`);
  const busy = await d.docker(["run", "--rm", "busybox:latest", "true"]);
  assert.notEqual(busy.code, 0, "the build holds the bridge's only address");

  build.kill("SIGKILL");
  await exited;
  for (let i = 0; i < 100 && (await listContainers(d)).length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await listContainers(d), [], "the cancelled build removed its RUN container");
  await assertNoSandboxLeft(d, "after the client was killed");
  await assertLeaseFree(d, bip, "after the client was killed");
});

for (const signal of ["SIGKILL", "SIGTERM"] as const) test(`${signal} to berthd mid-build: after the restart no sandbox or lease of the build is left`, { skip }, async (t) => {
  const bip = tinyBip();
  const d = await startDaemon(["--bip", bip]);
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({ Dockerfile: "FROM busybox:latest\nRUN echo one > /one\nRUN sleep 60\n" });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const build = spawn(DOCKER, ["build", "--no-cache", dir], { env: { ...process.env, ...d.env, DOCKER_BUILDKIT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((r) => build.once("exit", r));
  t.after(() => build.kill("SIGKILL"));
  let out = "";
  await new Promise<void>((resolve, reject) => {
    build.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (/RUN sleep 60\n ---> Running in/.test(out)) resolve();
    });
    build.once("exit", () => reject(new Error(`build ended before the RUN: ${out}`)));
  });
  assert.equal((await vethsOn(d)).length, 1, "the build's sandbox has one veth on the bridge");
  // SIGKILL: init finds the build's sandbox; SIGTERM: berthd's close removes it (the build is aborted)
  await d.stopDaemon(signal);
  await exited;
  if (signal === "SIGTERM") await assertNoSandboxLeft(d, "once berthd has stopped");
  await d.start(["--bip", bip]);
  // the RUN's container survived berthd (conmon supervises it): remove it like any leftover
  for (const id of (await d.docker(["ps", "-aq"])).stdout.trim().split("\n").filter(Boolean)) await d.docker(["rm", "-f", id]);
  await assertNoSandboxLeft(d, "after the restart");
  await assertLeaseFree(d, bip, "after the restart");
});

test("no API client can ask for a build's sandbox: build network modes other than Docker's are a 400", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  for (const mode of ["build", "build-0123456789abcdef", "sandbox:x", "container:build-0123456789abcdef"]) {
    const r = await d.api("POST", `/build?networkmode=${encodeURIComponent(mode)}`, Buffer.alloc(1024), { "Content-Type": "application/x-tar" });
    assert.equal(r.status, 400, `${mode}: ${r.body}`);
    assert.match(r.json<{ message: string }>().message, /network mode .* is not supported for builds/);
  }
});
