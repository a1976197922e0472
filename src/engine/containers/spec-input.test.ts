import { containerConfig, hostConfig } from "../../../test/fixtures/containers/records.js";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import { InvalidArgumentError } from "../../errors/index.js";
import { buildSpecInput, containerEnv, DEFAULT_PATH, hasNoNewPrivileges } from "./spec-input.js";
import type { ContainerRecord, HostConfigSpec, MountSpec } from "./types.js";

const ID = "0123456789ab" + "c".repeat(52);

function record(hc: Partial<HostConfigSpec> = {}, env: string[] = []): ContainerRecord {
  return {
    id: ID,
    name: "web",
    created: "2026-01-01T00:00:00Z",
    imageId: "sha256:" + "a".repeat(64),
    path: "echo",
    args: ["hello"],
    config: containerConfig({ env }),
    hostConfig: hostConfig(hc),
    state: { status: "created" },
    restartCount: 0,
    stoppedByUser: false,
    runtime: "runc",
  };
}

const etc = { hostnamePath: "/c/hostname", hostsPath: "/c/hosts", resolvConfPath: "/c/resolv.conf" };
const build = (rec: ContainerRecord, mounts: MountSpec[] = []) =>
  buildSpecInput({ rec, rootfs: "/c/rootfs", etc, user: { uid: 0, gid: 0, additionalGids: [] }, home: "/root", mounts, cgroupParent: "berth" });

describe("hasNoNewPrivileges", () => {
  test("absent / empty → false", () => {
    assert.equal(hasNoNewPrivileges(null), false);
    assert.equal(hasNoNewPrivileges([]), false);
  });
  test('"no-new-privileges" and "no-new-privileges:true" → true', () => {
    assert.equal(hasNoNewPrivileges(["no-new-privileges"]), true);
    assert.equal(hasNoNewPrivileges(["no-new-privileges:true"]), true);
    assert.equal(hasNoNewPrivileges(["no-new-privileges=true"]), true);
  });
  test('"no-new-privileges=false" → false, and the last one wins', () => {
    assert.equal(hasNoNewPrivileges(["no-new-privileges=false"]), false);
    assert.equal(hasNoNewPrivileges(["no-new-privileges", "no-new-privileges:false"]), false);
  });
  test("seccomp/apparmor/label options are accepted", () => {
    assert.equal(hasNoNewPrivileges(["seccomp=unconfined", "apparmor=unconfined", "label=disable"]), false);
  });
  test("invalid options are 400s", () => {
    assert.throws(() => hasNoNewPrivileges(["no-new-privileges=maybe"]), InvalidArgumentError);
    assert.throws(() => hasNoNewPrivileges(["bogus"]), InvalidArgumentError);
  });
});

describe("containerEnv", () => {
  test("adds PATH (first), HOSTNAME and HOME when missing", () => {
    assert.deepEqual(containerEnv(record({}, ["A=1"]), "abc", "/root"), [`PATH=${DEFAULT_PATH}`, "A=1", "HOSTNAME=abc", "HOME=/root"]);
  });
  test("keeps the user's PATH, HOSTNAME and HOME", () => {
    const env = ["PATH=/x", "HOSTNAME=mine", "HOME=/home/me"];
    assert.deepEqual(containerEnv(record({}, env), "abc", "/root"), env);
  });
  test("a key that merely starts with PATH does not count", () => {
    const env = containerEnv(record({}, ["PATHX=1", "HOMEDIR=/h"]), "abc", "/root");
    assert.ok(env.includes(`PATH=${DEFAULT_PATH}`));
    assert.ok(env.includes("HOME=/root"));
  });
});

describe("buildSpecInput", () => {
  test("process, hostname, cgroup path and default network", () => {
    const s = build(record());
    assert.deepEqual(s.args, ["echo", "hello"]);
    assert.equal(s.cwd, "/");
    assert.equal(s.hostname, ID.slice(0, 12));
    assert.equal(s.cgroupsPath, `/berth/${ID}`);
    assert.deepEqual(s.network, { mode: "none" });
    assert.equal(s.noNewPrivileges, false);
    assert.deepEqual(s.resources, { memory: undefined, memorySwap: undefined, nanoCpus: undefined, cpuShares: undefined, cpuQuota: undefined, cpuPeriod: undefined, pidsLimit: undefined, oomKillDisable: undefined });
    assert.ok(s.env.includes(`HOSTNAME=${ID.slice(0, 12)}`));
  });
  test("memory, nanoCpus and pidsLimit are mapped", () => {
    const s = build(record({ memory: 64 << 20, memorySwap: 128 << 20, nanoCpus: 1_500_000_000, pidsLimit: 50 }));
    assert.equal(s.resources.memory, 64 << 20);
    assert.equal(s.resources.memorySwap, 128 << 20);
    assert.equal(s.resources.nanoCpus, 1_500_000_000);
    assert.equal(s.resources.pidsLimit, 50);
  });
  test("pidsLimit ≤ 0 means unlimited", () => {
    assert.equal(build(record({ pidsLimit: -1 })).resources.pidsLimit, undefined);
  });
  test("network host uses the host's network and hostname", () => {
    const s = build(record({ networkMode: "host" }));
    assert.deepEqual(s.network, { mode: "host" });
    assert.equal(s.hostname, os.hostname());
  });
  test("network none", () => {
    assert.deepEqual(build(record({ networkMode: "none" })).network, { mode: "none" });
  });
  test("no-new-privileges from SecurityOpt", () => {
    assert.equal(build(record({ securityOpt: ["no-new-privileges"] })).noNewPrivileges, true);
  });
  test("/etc/resolv.conf, /etc/hostname and /etc/hosts are bind-mounted after the user's mounts", () => {
    const s = build(record(), [{ type: "bind", source: "/src", destination: "/data", readOnly: true, propagation: "rprivate" }]);
    assert.deepEqual(s.mounts.map((m) => m.destination), ["/data", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts"]);
    assert.deepEqual(s.mounts[0], { destination: "/data", type: "bind", source: "/src", options: ["rbind", "ro", "rprivate"] });
    assert.deepEqual(s.mounts[3], { destination: "/etc/hosts", type: "bind", source: "/c/hosts", options: ["rbind", "rprivate", "rw"] });
  });
  test("the /etc files are read-only with a read-only rootfs", () => {
    const s = build(record({ readonlyRootfs: true }));
    assert.ok(s.mounts.every((m) => m.options.includes("ro")));
    assert.equal(s.readonlyRootfs, true);
  });
  test("a user mount over /etc/hosts replaces berth's", () => {
    const s = build(record(), [{ type: "bind", source: "/my/hosts", destination: "/etc/hosts", readOnly: false, propagation: "rprivate" }]);
    const hosts = s.mounts.filter((m) => m.destination === "/etc/hosts");
    assert.equal(hosts.length, 1);
    assert.equal(hosts[0]!.source, "/my/hosts");
    assert.equal(s.mounts.filter((m) => m.destination === "/etc/resolv.conf").length, 1);
  });
  test("tmpfs mounts get nosuid,nodev,noexec, size and mode", () => {
    const s = build(record(), [{ type: "tmpfs", source: "", destination: "/run", readOnly: false, tmpfsSizeBytes: 1024 }]);
    assert.deepEqual(s.mounts[0], { destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "noexec", "rw", "size=1024", "mode=1777"] });
  });
});
