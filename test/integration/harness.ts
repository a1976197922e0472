/**
 * Integration test harness: each test starts its own berthd with a temporary
 * socket, data root, exec root and cgroup parent, drives it with the berth
 * CLI, the real docker CLI (DOCKER_HOST=unix://…) or the API, and tears it
 * all down — containers, mounts, cgroups, processes, temp dirs — also when
 * the test fails (`await using`, or `t.after(() => d.stop())`).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cleanNetwork, netFlags, netNamesFor, networkLeaks, type DaemonNetNames } from "./network-leaks.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const BERTHD = path.join(REPO_ROOT, "dist/src/daemon/main.js");
/**
 * Node flags berthd runs with (the same as its #! line in src/daemon/main.ts):
 * a 64 MB initial old space. With V8's small default, the socket buffers of a
 * large request body (a 52 MB build context) set off a mark-compact every
 * ~15 MB: ≈ 30 ms of GC per fully cached rebuild, roughly halved with this.
 */
export const BERTHD_NODE_FLAGS = ["--initial-old-space-size=64"];
export const BERTH = path.join(REPO_ROOT, "dist/src/cli/main.js");
export const DOCKER = process.env["DOCKER_CLI"] ?? "/usr/local/bin/docker";

export const isRoot = process.getuid?.() === 0;

export interface CmdResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCmd(argv: string[], o: { env?: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs?: number } = {}): Promise<CmdResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...o.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => {});
    if (o.input !== undefined) child.stdin.end(o.input);
    else child.stdin.end();
  });
}

export interface ApiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json<T = any>(): T;
}

export class TestDaemon {
  private proc?: ChildProcess;
  stderrLog = "";
  /** This daemon's own bridge, device prefix and iptables chain prefix (unique per daemon). */
  readonly net: DaemonNetNames;

  constructor(
    readonly root: string,
    readonly socket: string,
    readonly dataRoot: string,
    readonly execRoot: string,
    readonly cgroupParent: string,
  ) {
    this.net = netNamesFor(path.basename(root));
  }

  get env(): NodeJS.ProcessEnv {
    return { DOCKER_HOST: `unix://${this.socket}`, BERTH_HOST: `unix://${this.socket}`, DOCKER_CONFIG: path.join(this.root, "docker-config") };
  }

  async start(extraArgs: string[] = []): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    if (!existsSync(path.join(this.root, "daemon.json"))) await fs.writeFile(path.join(this.root, "daemon.json"), "{}\n");
    this.proc = spawn(process.execPath, [...BERTHD_NODE_FLAGS, BERTHD, "-H", `unix://${this.socket}`, "--data-root", this.dataRoot, "--exec-root", this.execRoot, "--cgroup-parent", this.cgroupParent, "--config-file", path.join(this.root, "daemon.json"), ...netFlags(this.net), ...extraArgs], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.proc.stderr!.on("data", (b) => (this.stderrLog += b));
    const exited = new Promise<never>((_, reject) => this.proc!.once("exit", (c) => reject(new Error(`berthd exited with ${c}: ${this.stderrLog}`))));
    const deadline = Date.now() + 30_000;
    const ready = (async () => {
      while (Date.now() < deadline) {
        try {
          const r = await this.api("GET", "/_ping");
          if (r.status === 200) return;
        } catch {
          /* not yet */
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`berthd did not come up: ${this.stderrLog}`);
    })();
    await Promise.race([ready, exited]);
  }

  /** SIGTERM and wait: containers keep running (that is the point). */
  async stopDaemon(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const done = new Promise((r) => p.once("exit", r));
    p.kill(signal);
    await done;
    this.proc = undefined;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  api(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : typeof body === "string" ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
      const req = http.request({ socketPath: this.socket, method, path: urlPath, headers: { ...(payload && !headers["Content-Type"] ? { "Content-Type": "application/json" } : {}), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const b = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, json: () => JSON.parse(b.toString()) });
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  berth(args: string[], o: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CmdResult> {
    return runCmd([process.execPath, BERTH, ...args], { ...o, env: this.env });
  }

  docker(args: string[], o: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CmdResult> {
    return runCmd([DOCKER, ...args], { ...o, env: this.env });
  }

  /**
   * Removes every container through the API, stops the daemon, then checks
   * that berth itself left nothing behind (mounts, conmon processes, container
   * cgroups). Whatever is found is cleaned up by force and reported as an
   * error, so a leak fails the test that caused it.
   */
  async stop(): Promise<void> {
    let leaks: string[] = [];
    if (this.proc && this.proc.exitCode === null) {
      try {
        const list = (await this.api("GET", "/containers/json?all=1")).json<Array<{ Id: string }>>();
        await Promise.all(list.map((c) => this.api("DELETE", `/containers/${c.Id}?force=1`).catch(() => {})));
        await this.stopDaemon();
        leaks = await findLeaks(this);
      } catch {
        /* daemon unhealthy: fall through to the hard cleanup */
      }
      await this.stopDaemon();
    }
    await hardCleanup(this);
    if (leaks.length) throw new Error(`berth left resources behind after removing all containers: ${leaks.join("; ")}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

async function conmonPids(d: TestDaemon): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await fs.readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmd.startsWith("/usr/bin/conmon") && cmd.includes(d.execRoot)) out.push(Number(pid));
  }
  return out;
}

function mountsUnder(root: string, mountinfo: string): string[] {
  return mountinfo.split("\n").map((l) => l.split(" ")[4]).filter((m): m is string => !!m && m.startsWith(root));
}

async function findLeaks(d: TestDaemon): Promise<string[]> {
  const leaks: string[] = [];
  for (let i = 0; i < 20; i++) {
    // conmon exits right after its container; give it a moment
    if ((await conmonPids(d)).length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const pids = await conmonPids(d);
  if (pids.length) leaks.push(`conmon processes ${pids.join(",")}`);
  const mounts = mountsUnder(d.root, await fs.readFile("/proc/self/mountinfo", "utf8"));
  if (mounts.length) leaks.push(`mounts ${mounts.join(",")}`);
  for (const ctl of await fs.readdir("/sys/fs/cgroup").catch(() => [] as string[])) {
    const dir = path.join("/sys/fs/cgroup", ctl, d.cgroupParent);
    for (const sub of await fs.readdir(dir).catch(() => [] as string[])) {
      if ((await fs.stat(path.join(dir, sub)).catch(() => undefined))?.isDirectory()) leaks.push(`cgroup ${path.join(dir, sub)}`);
    }
  }
  leaks.push(...(await networkLeaks(d.net)));
  return leaks;
}

/** Whatever a failed test left: conmon processes, runc state, mounts, cgroups, temp dirs. */
async function hardCleanup(d: TestDaemon): Promise<void> {
  // conmon processes started for this daemon carry its exec root in their argv
  for (const pid of await fs.readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmd.includes(d.execRoot) && cmd.startsWith("/usr/bin/conmon")) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
  const runtimeRoot = path.join(d.execRoot, "runtime", "runc");
  if (existsSync(runtimeRoot)) {
    for (const id of await fs.readdir(runtimeRoot).catch(() => [] as string[])) {
      await runCmd(["runc", "--root", runtimeRoot, "delete", "--force", id]).catch(() => {});
    }
  }
  const mounts = (await fs.readFile("/proc/self/mountinfo", "utf8")).split("\n").map((l) => l.split(" ")[4]).filter((m): m is string => !!m && m.startsWith(d.root));
  for (const m of mounts.reverse()) await runCmd(["umount", "-l", m]).catch(() => {});
  for (const ctl of await fs.readdir("/sys/fs/cgroup").catch(() => [] as string[])) {
    const dir = path.join("/sys/fs/cgroup", ctl, d.cgroupParent);
    if (!existsSync(dir)) continue;
    for (const sub of await fs.readdir(dir).catch(() => [] as string[])) {
      const subdir = path.join(dir, sub);
      if ((await fs.stat(subdir).catch(() => undefined))?.isDirectory()) await fs.rmdir(subdir).catch(() => {});
    }
    await fs.rmdir(dir).catch(() => {});
  }
  await cleanNetwork(d.net).catch(() => {});
  await fs.rm(d.root, { recursive: true, force: true }).catch(() => {});
}

/** Starts a fresh berthd in a temp dir. */
/**
 * Polls `check` (what is still there) every 100 ms until it lists nothing, for
 * cleanup that berthd finishes in the background; fails naming what is left after 5 s.
 */
export async function eventually(what: string, check: () => Promise<string[]>): Promise<void> {
  let left: string[] = [];
  for (let i = 0; i < 50; i++) {
    left = await check();
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what} still there after 5 s: ${left.join(", ")}`);
}

export async function startDaemon(extraArgs: string[] = []): Promise<TestDaemon> {
  // short paths: conmon's attach socket path must fit in sun_path (108 bytes)
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "bt-"));
  const tag = path.basename(root);
  const d = new TestDaemon(root, path.join(root, "berth.sock"), path.join(root, "data"), path.join(root, "run"), `berth-test-${tag}`);
  try {
    await d.start(extraArgs);
  } catch (e) {
    await d.stop();
    throw e;
  }
  return d;
}

let rootfsTar: Promise<string> | undefined;

/** A busybox rootfs tarball made offline from the host's static busybox (scripts/busybox-rootfs.sh), built once per process. */
export function busyboxTar(): Promise<string> {
  rootfsTar ??= (async () => {
    const file = path.join(os.tmpdir(), `berth-busybox-${process.pid}.tar`);
    const r = await runCmd(["bash", "-c", `bash '${REPO_ROOT}/scripts/busybox-rootfs.sh' > '${file}'`]);
    if (r.code !== 0) throw new Error(`busybox rootfs: ${r.stderr}`);
    process.on("exit", () => {
      rmSync(file, { force: true });
    });
    return file;
  })();
  return rootfsTar;
}

/** Imports the busybox rootfs into the daemon as `name` through the import API. */
export async function importBusybox(d: TestDaemon, name = "busybox:latest"): Promise<string> {
  const tar = await fs.readFile(await busyboxTar());
  const [repo, tag] = name.split(":");
  const r = await d.api("POST", `/images/create?fromSrc=-&repo=${encodeURIComponent(repo!)}&tag=${encodeURIComponent(tag ?? "latest")}`, tar, { "Content-Type": "application/x-tar" });
  if (r.status !== 200) throw new Error(`import failed: ${r.status} ${r.body}`);
  const lines = r.body.toString().trim().split("\n").map((l) => JSON.parse(l));
  const last = lines.at(-1);
  if (last.error || last.errorDetail) throw new Error(`import failed: ${last.error}`);
  return String(last.status);
}
