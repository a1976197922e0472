import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors/index.js";
import { parseCreateBody } from "./container-wire.js";

/** POST /v1.41/containers/create as docker CLI 28.2.2 sent it for `docker run --rm busybox:local echo hello` (transcript 02). */
const TRANSCRIPT_BODY = String.raw`{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["echo","hello"],"Image":"busybox:local","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}`;

type Body = Record<string, unknown>;
const transcript = (): Body => JSON.parse(TRANSCRIPT_BODY) as Body;
/** The transcript body with some HostConfig fields replaced. */
function withHost(patch: Body): Body {
  const b = transcript();
  b["HostConfig"] = { ...(b["HostConfig"] as Body), ...patch };
  return b;
}

function rejects(body: Body, field: RegExp | string): void {
  assert.throws(
    () => parseCreateBody(body, undefined),
    (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(e)}`);
      if (typeof field === "string") assert.ok(e.message.includes(field), `message ${JSON.stringify(e.message)} should name ${field}`);
      else assert.match(e.message, field);
      return true;
    },
  );
}

describe("parseCreateBody: the docker CLI's body", () => {
  test("parses the transcript body", () => {
    const r = parseCreateBody(transcript(), "web");
    assert.equal(r.name, "web");
    assert.equal(r.config.image, "busybox:local");
    assert.deepEqual(r.config.cmd, ["echo", "hello"]);
    assert.equal(r.config.entrypoint, null);
    assert.deepEqual(r.config.env, []);
    assert.equal(r.config.attachStdout, true);
    assert.equal(r.config.attachStderr, true);
    assert.equal(r.config.attachStdin, false);
    assert.equal(r.config.tty, false);
    assert.deepEqual(r.config.labels, {});
    assert.deepEqual(r.config.volumes, {});
    assert.equal(r.hostConfig.autoRemove, true);
    assert.deepEqual(r.hostConfig.restartPolicy, { name: "no", maximumRetryCount: 0 });
    assert.equal(r.hostConfig.networkMode, "default");
    assert.equal(r.hostConfig.binds, null);
    assert.deepEqual(r.hostConfig.mounts, []);
    assert.equal(r.hostConfig.memory, 0);
    assert.equal(r.hostConfig.memorySwap, 0);
    assert.equal(r.hostConfig.capAdd, null);
    assert.equal(r.hostConfig.securityOpt, null);
    assert.equal(r.hostConfig.extraHosts, null);
    assert.deepEqual(r.hostConfig.ulimits, []);
    assert.deepEqual(r.hostConfig.dns, []);
    assert.deepEqual(r.hostConfig.logConfig, { type: "", config: {} });
    assert.equal(r.hostConfig.init, null);
  });

  test("Cmd given as a string becomes a one-element list", () => {
    const b = transcript();
    b["Cmd"] = "date";
    assert.deepEqual(parseCreateBody(b, undefined).config.cmd, ["date"]);
  });

  test("a missing Image is rejected", () => {
    const b = transcript();
    delete b["Image"];
    rejects(b, "No image was specified");
  });

  test("valid resources, binds, mounts and ulimits are carried through", () => {
    const r = parseCreateBody(
      withHost({
        Memory: 64 * 1024 * 1024,
        NanoCpus: 500_000_000,
        PidsLimit: 100,
        Binds: ["/src:/dst:ro"],
        Mounts: [{ Type: "tmpfs", Target: "/run", TmpfsOptions: { SizeBytes: 1024 } }],
        Tmpfs: { "/tmp": "size=1m" },
        Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 2048 }],
        RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 },
        AutoRemove: false,
      }),
      undefined,
    );
    assert.equal(r.hostConfig.memory, 64 * 1024 * 1024);
    assert.equal(r.hostConfig.nanoCpus, 500_000_000);
    assert.equal(r.hostConfig.pidsLimit, 100);
    assert.deepEqual(r.hostConfig.binds, ["/src:/dst:ro"]);
    assert.deepEqual(r.hostConfig.mounts.map((m) => [m.type, m.destination, m.tmpfsSizeBytes]), [["tmpfs", "/run", 1024], ["tmpfs", "/tmp", 1024 * 1024]]);
    assert.deepEqual(r.hostConfig.ulimits, [{ name: "nofile", soft: 1024, hard: 2048 }]);
    assert.deepEqual(r.hostConfig.restartPolicy, { name: "on-failure", maximumRetryCount: 3 });
  });
});

describe("parseCreateBody: wrong types are 400s naming the field", () => {
  test("Cmd: 42", () => {
    const b = transcript();
    b["Cmd"] = 42;
    rejects(b, "Cmd");
  });
  test("Cmd: [1, 2]", () => {
    const b = transcript();
    b["Cmd"] = [1, 2];
    rejects(b, "Cmd");
  });
  test('Env: "A=1"', () => {
    const b = transcript();
    b["Env"] = "A=1";
    rejects(b, "Env");
  });
  test('Env entry "=x"', () => {
    const b = transcript();
    b["Env"] = ["=x"];
    rejects(b, "invalid environment variable");
  });
  test("Tty: \"yes\"", () => {
    const b = transcript();
    b["Tty"] = "yes";
    rejects(b, "Tty");
  });
  test('Memory: "1g"', () => rejects(withHost({ Memory: "1g" }), "HostConfig.Memory"));
  test("Memory: -1", () => rejects(withHost({ Memory: -1 }), /HostConfig\.Memory.*negative/));
  test("Memory: 1.5", () => rejects(withHost({ Memory: 1.5 }), "HostConfig.Memory"));
  test("Memory below 6MB", () => rejects(withHost({ Memory: 1024 }), "Minimum memory limit"));
  test("HostConfig: []", () => {
    const b = transcript();
    b["HostConfig"] = [];
    rejects(b, "HostConfig");
  });
  test('Binds ["/a:rel"]', () => rejects(withHost({ Binds: ["/a:rel"] }), /'\/a:rel'.*mount path must be absolute/));
  test('Binds "/a:/b"', () => rejects(withHost({ Binds: "/a:/b" }), "HostConfig.Binds"));
  test("a named volume in Binds is accepted; a hostile volume name is a 400", () => {
    assert.deepEqual(parseCreateBody(withHost({ Binds: ["vol:/data"] }), undefined).hostConfig.binds, ["vol:/data"]);
    rejects(withHost({ Binds: ["../x:/data"] }), "invalid characters for a local volume name");
  });
  test("VolumesFrom: a list of strings", () => {
    assert.deepEqual(parseCreateBody(withHost({ VolumesFrom: ["a:ro"] }), undefined).hostConfig.volumesFrom, ["a:ro"]);
    rejects(withHost({ VolumesFrom: "a" }), "HostConfig.VolumesFrom");
  });
  test('Mounts [{Type: "weird"}]', () => rejects(withHost({ Mounts: [{ Type: "weird", Target: "/x" }] }), /mount type unknown: "weird"/));
  test('Mounts [{Type: "weird"}] without a Target', () => rejects(withHost({ Mounts: [{ Type: "weird" }] }), /invalid mount config for type "weird"/));
  test("Mounts: {}", () => rejects(withHost({ Mounts: {} }), "HostConfig.Mounts"));
  test('RestartPolicy {Name: "sometimes"}', () => rejects(withHost({ RestartPolicy: { Name: "sometimes" } }), /restart policy 'sometimes'/));
  test("RestartPolicy {Name: 1}", () => rejects(withHost({ RestartPolicy: { Name: 1 } }), "RestartPolicy.Name"));
  test('RestartPolicy: "always" (not an object)', () => rejects(withHost({ RestartPolicy: "always" }), "RestartPolicy"));
  test('LogConfig: "json-file" (not an object)', () => rejects(withHost({ LogConfig: "json-file" }), "LogConfig"));
  test("Ulimits soft > hard", () => rejects(withHost({ Ulimits: [{ Name: "nofile", Soft: 2048, Hard: 1024 }] }), /soft limit.*2048 > 1024/));
  test("Ulimits Soft: \"1\"", () => rejects(withHost({ Ulimits: [{ Name: "nofile", Soft: "1", Hard: 1 }] }), "Ulimits.Soft"));
  test("--rm with --restart always", () => rejects(withHost({ AutoRemove: true, RestartPolicy: { Name: "always" } }), /cannot specify both --restart and --rm/));
  // an unknown network name is the network service's 404 at create (network-api-hostile.test.ts)
  test("NetworkMode with control characters", () => rejects(withHost({ NetworkMode: "my\nnet" }), "invalid network mode"));
  test("PortBindings: not a list", () => rejects(withHost({ PortBindings: { "80/tcp": "8080" } }), "PortBindings"));
  test("Init: \"yes\"", () => rejects(withHost({ Init: "yes" }), "HostConfig.Init"));
  test("NanoCpus with CpuQuota", () => rejects(withHost({ NanoCpus: 1e9, CpuQuota: 50000 }), "Conflicting options"));
});
