import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCreateRequest } from "./create-request.js";
import type { ContainerFlags } from "./container-flags.js";
import { FlagError, parseMount, parseUlimit } from "./parsers.js";

function flags(overrides: Partial<ContainerFlags> = {}): ContainerFlags {
  return {
    env: [], envFile: [], volume: [], mount: [], tmpfs: [], capAdd: [], capDrop: [], ulimit: [], securityOpt: [], label: [], publish: [], expose: [],
    restart: "no",
    ...overrides,
  };
}

function build(overrides: Partial<ContainerFlags>, extra: { env?: NodeJS.ProcessEnv; files?: Record<string, string>; detach?: boolean } = {}) {
  return buildCreateRequest({
    flags: flags(overrides),
    image: "busybox",
    command: ["echo", "hi"],
    detach: extra.detach ?? false,
    env: extra.env ?? {},
    readFile: (p) => extra.files?.[p] ?? "",
  });
}

test("defaults follow the docker CLI (02 transcript)", () => {
  const body = build({ rm: true });
  assert.equal(body.AttachStdout, true);
  assert.equal(body.AttachStdin, false);
  assert.deepEqual(body.Cmd, ["echo", "hi"]);
  assert.equal(body.HostConfig?.AutoRemove, true);
  assert.equal(body.HostConfig?.NetworkMode, "default");
  assert.deepEqual(body.HostConfig?.RestartPolicy, { Name: "no", MaximumRetryCount: 0 });
  assert.equal(build({}, { detach: true }).AttachStdout, false);
});

test("resources: -m 64m, --cpus 1.5, --memory-swap -1, --pids-limit", () => {
  const host = build({ memory: "64m", cpus: "1.5", memorySwap: "-1", pidsLimit: "50", cpuShares: "512" }).HostConfig!;
  assert.equal(host.Memory, 67108864);
  assert.equal(host.NanoCpus, 1500000000);
  assert.equal(host.MemorySwap, -1);
  assert.equal(host.PidsLimit, 50);
  assert.equal(host.CpuShares, 512);
  assert.throws(() => build({ cpus: "1", cpuQuota: "1000" }), FlagError);
});

test("-v: binds verbatim, lone paths become anonymous volumes", () => {
  const body = build({ volume: ["/a:/b:ro", "/anon"] });
  assert.deepEqual(body.HostConfig?.Binds, ["/a:/b:ro"]);
  assert.deepEqual(body.Volumes, { "/anon": {} });
  assert.throws(() => build({ volume: ["/a:relative"] }), FlagError);
});

test("--mount and --tmpfs", () => {
  assert.deepEqual(parseMount("type=bind,source=/a,target=/b,readonly"), { Type: "bind", Source: "/a", Target: "/b", ReadOnly: true });
  assert.deepEqual(parseMount("type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1777"), {
    Type: "tmpfs",
    Target: "/t",
    TmpfsOptions: { SizeBytes: 67108864, Mode: 0o1777 },
  });
  assert.throws(() => parseMount("type=bind,target=/b"), FlagError);
  assert.deepEqual(build({ tmpfs: ["/run:size=64m", "/tmp"] }).HostConfig?.Tmpfs, { "/run": "size=64m", "/tmp": "" });
});

test("--ulimit nofile=1024:2048", () => {
  assert.deepEqual(parseUlimit("nofile=1024:2048"), { Name: "nofile", Soft: 1024, Hard: 2048 });
  assert.deepEqual(parseUlimit("nproc=10"), { Name: "nproc", Soft: 10, Hard: 10 });
  assert.throws(() => parseUlimit("nofile=2048:1024"), FlagError);
  assert.deepEqual(build({ ulimit: ["nofile=1024:2048"] }).HostConfig?.Ulimits, [{ Name: "nofile", Soft: 1024, Hard: 2048 }]);
});

test("-e takes unset values from the environment; --env-file comes first", () => {
  const body = build(
    { env: ["A", "B=2", "UNSET"], envFile: ["/f"] },
    { env: { A: "from-env", FROMFILE: "x" }, files: { "/f": "# comment\n\nC=3\nFROMFILE\n" } },
  );
  assert.deepEqual(body.Env, ["C=3", "FROMFILE=x", "A=from-env", "B=2", "UNSET"]);
});

test("security, labels, restart, entrypoint, network", () => {
  const body = build({
    capAdd: ["NET_ADMIN"], capDrop: ["ALL"], privileged: true, readOnly: true, init: true, securityOpt: ["no-new-privileges"],
    label: ["a=b", "flag"], restart: "on-failure:3", entrypoint: "", network: "mynet", stopSignal: "SIGUSR1", stopTimeout: "5",
  });
  const host = body.HostConfig!;
  assert.deepEqual([host.CapAdd, host.CapDrop, host.Privileged, host.ReadonlyRootfs, host.Init], [["NET_ADMIN"], ["ALL"], true, true, true]);
  assert.deepEqual(host.SecurityOpt, ["no-new-privileges"]);
  assert.deepEqual(body.Labels, { a: "b", flag: "" });
  assert.deepEqual(host.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 3 });
  assert.deepEqual(body.Entrypoint, [""]);
  assert.deepEqual(body.NetworkingConfig, { EndpointsConfig: { mynet: {} } });
  assert.equal(body.StopSignal, "SIGUSR1");
  assert.equal(body.StopTimeout, 5);
  assert.throws(() => build({ rm: true, restart: "always" }), FlagError);
});

test("-i opens stdin; -p publishes", () => {
  const body = build({ interactive: true, publish: ["127.0.0.1:8080:80", "53/udp"] });
  assert.equal(body.OpenStdin, true);
  assert.equal(body.StdinOnce, true);
  assert.equal(body.AttachStdin, true);
  assert.deepEqual(body.ExposedPorts, { "80/tcp": {}, "53/udp": {} });
  assert.deepEqual(body.HostConfig?.PortBindings, { "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }], "53/udp": [{ HostIp: "", HostPort: "" }] });
});

test("--mount volume options and --volumes-from", async () => {
  const { csvFields } = await import("./parsers.js");
  assert.deepEqual(csvFields('type=volume,"volume-opt=o=size=1m,uid=1",dst=/x'), ["type=volume", "volume-opt=o=size=1m,uid=1", "dst=/x"]);
  assert.deepEqual(parseMount('type=volume,src=v,dst=/x,volume-label=a=b,volume-opt=type=tmpfs,volume-opt=device=tmpfs,"volume-opt=o=size=1m,uid=1",volume-nocopy'), {
    Type: "volume", Source: "v", Target: "/x",
    VolumeOptions: { Labels: { a: "b" }, DriverConfig: { Options: { type: "tmpfs", device: "tmpfs", o: "size=1m,uid=1" } }, NoCopy: true },
  });
  assert.deepEqual(build({ volumesFrom: ["a", "b:ro"] }).HostConfig?.VolumesFrom, ["a", "b:ro"]);
});
