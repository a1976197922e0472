import { test } from "node:test";
import assert from "node:assert/strict";
import type { SpecInput } from "../runtime-driver.js";
import { buildSpec } from "./build-spec.js";
import { computeCapabilities, DEFAULT_CAPABILITIES } from "./capability-opts.js";
import { MASKED_PATHS } from "./device-opts.js";
import type { HostInfo } from "./oci-spec.js";
import { parseHardLimits, toOciRlimits } from "./rlimits.js";
import { toOciResources } from "./resource-opts.js";
import { InvalidArgumentError } from "../../errors/index.js";

const host: HostInfo = { hardLimits: { nofile: 20000, nproc: 96551 }, initPath: "/usr/bin/tini-static", lastCap: 40 };

function input(over: Partial<SpecInput> = {}): SpecInput {
  return {
    id: "c1",
    rootfs: "/var/lib/berth/rootfs/c1",
    readonlyRootfs: false,
    args: ["sh", "-c", "echo hi"],
    env: ["PATH=/bin"],
    cwd: "/",
    user: { uid: 0, gid: 0, additionalGids: [] },
    tty: false,
    openStdin: false,
    hostname: "c1",
    mounts: [],
    network: { mode: "none" },
    resources: {},
    capAdd: [],
    capDrop: [],
    privileged: false,
    noNewPrivileges: false,
    ulimits: [],
    init: false,
    cgroupsPath: "/berth/c1",
    ...over,
  };
}

test("default capabilities are Docker's 14", () => {
  const spec = buildSpec(input(), host);
  assert.deepEqual(spec.process.capabilities.bounding, [...DEFAULT_CAPABILITIES]);
  assert.deepEqual(spec.process.capabilities.inheritable, []);
});

test("cap add/drop accept names with or without CAP_, any case", () => {
  const caps = computeCapabilities({ capAdd: ["net_admin", "CAP_SYS_PTRACE"], capDrop: ["chown", "CAP_KILL"], privileged: false });
  assert.ok(caps.includes("CAP_NET_ADMIN") && caps.includes("CAP_SYS_PTRACE"));
  assert.ok(!caps.includes("CAP_CHOWN") && !caps.includes("CAP_KILL"));
});

test("cap-drop ALL keeps only cap-add; cap-add ALL gives all but dropped", () => {
  assert.deepEqual(computeCapabilities({ capAdd: ["NET_BIND_SERVICE"], capDrop: ["ALL"], privileged: false }), ["CAP_NET_BIND_SERVICE"]);
  const all = computeCapabilities({ capAdd: ["all"], capDrop: ["SYS_ADMIN"], privileged: false, lastCap: 40 });
  assert.equal(all.length, 40);
  assert.ok(!all.includes("CAP_SYS_ADMIN"));
});

test("unknown capability is an InvalidArgumentError", () => {
  assert.throws(() => computeCapabilities({ capAdd: ["FLY"], capDrop: [], privileged: false }), InvalidArgumentError);
});

test("privileged: all host caps, no masked/readonly paths, allow-all devices, rw /sys", () => {
  const spec = buildSpec(input({ privileged: true }), { ...host, lastCap: 37 });
  assert.equal(spec.process.capabilities.bounding.length, 38);
  assert.deepEqual(spec.linux.maskedPaths, []);
  assert.deepEqual(spec.linux.readonlyPaths, []);
  assert.deepEqual(spec.linux.resources.devices, [{ allow: true, access: "rwm" }]);
  assert.ok(!spec.mounts.find((m) => m.destination === "/sys")!.options.includes("ro"));
});

test("unprivileged: masked paths, deny-all first, default devices", () => {
  const spec = buildSpec(input(), host);
  assert.deepEqual(spec.linux.maskedPaths, [...MASKED_PATHS]);
  assert.ok(spec.linux.readonlyPaths.includes("/proc/sys"));
  assert.deepEqual(spec.linux.resources.devices[0], { allow: false, access: "rwm" });
  assert.deepEqual(
    spec.linux.devices.map((d) => d.path),
    ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"],
  );
});

test("rlimits: Docker's nofile default clamped to the host hard limit; soft <= hard", () => {
  const spec = buildSpec(input({ ulimits: [{ name: "nproc", soft: 200000, hard: 300000 }] }), host);
  assert.deepEqual(spec.process.rlimits, [
    { type: "RLIMIT_NOFILE", soft: 20000, hard: 20000 },
    { type: "RLIMIT_NPROC", soft: 96551, hard: 96551 },
  ]);
  assert.deepEqual(toOciRlimits([{ name: "nofile", soft: 100, hard: 200 }], { nofile: 20000 }), [
    { type: "RLIMIT_NOFILE", soft: 100, hard: 200 },
  ]);
});

test("parseHardLimits reads /proc/self/limits", () => {
  const text = [
    "Limit                     Soft Limit           Hard Limit           Units     ",
    "Max processes             96551                96551                processes ",
    "Max open files            1024                 20000                files     ",
    "Max core file size        0                    unlimited            bytes     ",
  ].join("\n");
  assert.deepEqual(parseHardLimits(text), { nproc: 96551, nofile: 20000, core: undefined });
});

test("memory: swap defaults to 2x memory, -1 unlimited, explicit kept, too small rejected", () => {
  const m = 32 * 1024 * 1024;
  assert.deepEqual(toOciResources({ memory: m }, { swapSupported: true }).memory, { limit: m, swap: 2 * m });
  assert.deepEqual(toOciResources({ memory: m, memorySwap: -1 }, { swapSupported: true }).memory, { limit: m, swap: -1 });
  assert.deepEqual(toOciResources({ memory: m, memorySwap: 3 * m }, { swapSupported: true }).memory, { limit: m, swap: 3 * m });
  assert.deepEqual(toOciResources({ memory: m }, { swapSupported: false }).memory, { limit: m });
  assert.throws(() => toOciResources({ memory: 1024 }, { swapSupported: true }), /Minimum memory limit/);
  assert.throws(() => toOciResources({ memory: m, memorySwap: m / 2 }, { swapSupported: true }), /memoryswap/);
  assert.throws(() => toOciResources({ memorySwap: m }, { swapSupported: true }), /always set the Memory/);
});

test("cpu: NanoCpus → quota/period, shares, conflicts; pids", () => {
  assert.deepEqual(toOciResources({ nanoCpus: 1.5e9, cpuShares: 512 }, { swapSupported: true }).cpu, {
    period: 100000,
    quota: 150000,
    shares: 512,
  });
  assert.throws(() => toOciResources({ nanoCpus: 1e9, cpuQuota: 5000 }, { swapSupported: true }), /Conflicting/);
  assert.deepEqual(toOciResources({ pidsLimit: 10 }, { swapSupported: true }).pids, { limit: 10 });
  assert.equal(toOciResources({ pidsLimit: -1 }, { swapSupported: true }).pids, undefined);
});

test("network modes → namespaces", () => {
  const types = (s: ReturnType<typeof buildSpec>) => s.linux.namespaces.map((n) => n.type);
  assert.ok(types(buildSpec(input(), host)).includes("network"));
  assert.ok(!types(buildSpec(input({ network: { mode: "host" } }), host)).includes("network"));
  const p = buildSpec(input({ network: { mode: "path", path: "/run/netns/x" } }), host);
  assert.deepEqual(p.linux.namespaces.at(-1), { type: "network", path: "/run/netns/x" });
});

test("--init binds tini read-only and prefixes args", () => {
  const spec = buildSpec(input({ init: true }), host);
  assert.deepEqual(spec.process.args, ["/sbin/docker-init", "--", "sh", "-c", "echo hi"]);
  assert.deepEqual(spec.mounts.at(-1), {
    destination: "/sbin/docker-init",
    type: "bind",
    source: "/usr/bin/tini-static",
    options: ["bind", "ro"],
  });
});

test("default mounts, /dev/shm 64m, user mount replaces a default, readonly root", () => {
  const spec = buildSpec(
    input({
      readonlyRootfs: true,
      mounts: [{ destination: "/dev/shm/", type: "tmpfs", source: "tmpfs", options: ["size=1m"] }],
      noNewPrivileges: true,
      oomScoreAdj: 500,
    }),
    host,
  );
  const dests = spec.mounts.map((m) => m.destination);
  assert.deepEqual(dests, ["/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm"]);
  assert.deepEqual(spec.mounts.at(-1)!.options, ["size=1m"]);
  assert.equal(spec.root.readonly, true);
  assert.ok(spec.mounts.find((m) => m.destination === "/sys/fs/cgroup")!.options.includes("ro"));
  assert.ok(!spec.mounts.find((m) => m.destination === "/dev")!.options.includes("ro"));
  assert.equal(spec.process.noNewPrivileges, true);
  assert.equal(spec.process.oomScoreAdj, 500);
  assert.equal(spec.linux.cgroupsPath, "/berth/c1");
  assert.ok(buildSpec(input(), host).mounts.find((m) => m.destination === "/dev/shm")!.options.includes("size=67108864"));
});

test("privileged and cap-add ALL stay within berthd's own bounding set", async () => {
  const { computeCapabilities } = await import("./capability-opts.js");
  const noSysResource = ((1n << 41n) - 1n) & ~(1n << 24n);
  const priv = computeCapabilities({ capAdd: [], capDrop: [], privileged: true, lastCap: 40, boundingSet: noSysResource });
  assert.ok(!priv.includes("CAP_SYS_RESOURCE"));
  assert.ok(priv.includes("CAP_SYS_ADMIN"));
  assert.equal(priv.length, 40);
  const all = computeCapabilities({ capAdd: ["ALL"], capDrop: ["MKNOD"], privileged: false, lastCap: 40, boundingSet: noSysResource });
  assert.ok(!all.includes("CAP_SYS_RESOURCE") && !all.includes("CAP_MKNOD"));
});
