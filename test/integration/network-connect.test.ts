/**
 * Containers on several networks, with the real docker CLI: live connect and
 * disconnect (the default bridge included, whose membership is implied by
 * the mode), name resolution scoped to the asking container's networks as in
 * Docker 20.10, a container's --dns as its embedded-DNS upstreams, internal
 * networks forwarding nothing, --network container:ID sharing /etc files and
 * hostname, and `network rm` / `prune` / dangling with stopped members as
 * dockerd does (checked against the private dockerd of peer-docker.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { FakeUpstream, upstreamReply } from "../../src/network/dns/test-kit.js";
import { nameToText, readName } from "../../src/network/dns/wire.js";
import { busyboxTar, importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";
import { hasDockerd, startPeerDocker } from "./peer-docker.js";
import { httpGet } from "./network-helpers.js";

/** A resolver a container's --dns can name (port 53), on a loopback address no other test uses. */
const UPSTREAM = "127.0.87.53";
const UPSTREAM_ANSWER = "198.51.100.7";

describe("networks: connect, disconnect, scoped names, --dns upstreams", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  let upstream: FakeUpstream;
  const asked: string[] = [];

  before(async () => {
    upstream = await new FakeUpstream(UPSTREAM, (q) => {
      asked.push(nameToText(readName(q, 12).labels) ?? "");
      return upstreamReply(q, { answers: [UPSTREAM_ANSWER] });
    }).start(53);
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
    await upstream?.stop();
  });

  const ok = async (args: string[]) => {
    const r = await d.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(" ")}: ${r.stdout}${r.stderr}`);
    return r.stdout.trim();
  };
  const sleeper = (name: string, extra: string[] = []) => ok(["run", "-d", "--name", name, ...extra, "busybox", "sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]);
  const networksOf = async (c: string) => Object.keys(JSON.parse(await ok(["inspect", "-f", "{{json .NetworkSettings.Networks}}", c])) as object).sort();
  const addrsIn = async (c: string) => (await ok(["exec", c, "ip", "-4", "-o", "addr", "show", "scope", "global"])).split("\n").filter(Boolean).map((l) => /inet (\S+)\//.exec(l)![1]!);
  const lookup = (c: string, name: string) => d.docker(["exec", c, "nslookup", "-type=a", name]);
  const ipOn = async (c: string, net: string) => ok(["inspect", "-f", `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, c]);

  test("names resolve only on the asking container's own networks; connect/disconnect update them live", async () => {
    await ok(["network", "create", "na"]);
    await ok(["network", "create", "nb"]);
    await sleeper("ca", ["--network", "na"]);
    await sleeper("cb", ["--network", "nb"]);
    await sleeper("cc", ["--network", "na", "--network-alias", "calias"]);
    // ca joins nb while running: a second interface, and cb can now find it
    await ok(["network", "connect", "nb", "ca"]);
    assert.equal((await addrsIn("ca")).length, 2);
    // /etc/hosts gains an own line for the new address (dockerd 20.10 does)
    const caHostname = await ok(["inspect", "-f", "{{.Config.Hostname}}", "ca"]);
    const ownLines = async () => (await ok(["exec", "ca", "cat", "/etc/hosts"])).split("\n").filter((l) => l.endsWith(`\t${caHostname}`)).map((l) => l.split("\t")[0]).sort();
    assert.deepEqual(await ownLines(), [await ipOn("ca", "na"), await ipOn("ca", "nb")].sort());
    assert.deepEqual(await networksOf("ca"), ["na", "nb"]);
    const caOnNb = await ipOn("ca", "nb");
    const fromB = await lookup("cb", "ca");
    assert.equal(fromB.code, 0, fromB.stdout + fromB.stderr);
    assert.match(fromB.stdout, new RegExp(`Address:\\s+${caOnNb.replace(/\./g, "\\.")}$`, "m"));
    // cc and its alias live on na only: cb does not see them
    for (const name of ["cc", "calias", "cc.na"]) {
      const r = await lookup("cb", name);
      assert.doesNotMatch(r.stdout, new RegExp(`Address:\\s+${(await ipOn("cc", "na")).replace(/\./g, "\\.")}`), name);
    }
    // ca sees both, "name.network" included
    const ccIp = await ipOn("cc", "na");
    for (const name of ["calias", "cc.na"]) {
      const r = await lookup("ca", name);
      assert.match(r.stdout, new RegExp(`Address:\\s+${ccIp.replace(/\./g, "\\.")}$`, "m"), `${name}: ${r.stdout}${r.stderr}`);
    }
    // off na again: ca loses cc, and the interface goes
    await ok(["network", "disconnect", "na", "ca"]);
    assert.deepEqual(await networksOf("ca"), ["nb"]);
    // dockerd 20.10 drops every own line at a disconnect, the remaining network's included
    assert.deepEqual(await ownLines(), []);
    // its resolv.conf now names the server it can still reach, and its way out moved there
    const nbGateway = await ok(["network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", "nb"]);
    assert.match(await ok(["exec", "ca", "ip", "route"]), new RegExp(`^default via ${nbGateway.replace(/\./g, "\\.")} `, "m"));
    assert.match(await ok(["exec", "ca", "cat", "/etc/resolv.conf"]), new RegExp(`^nameserver ${nbGateway.replace(/\./g, "\\.")}$`, "m"));
    assert.deepEqual(await addrsIn("ca"), [caOnNb]);
    assert.doesNotMatch((await lookup("ca", "calias")).stdout, new RegExp(ccIp.replace(/\./g, "\\.")));
    // a rename is seen at once
    await ok(["rename", "cb", "cb2"]);
    const renamed = await lookup("ca", "cb2");
    assert.match(renamed.stdout, new RegExp(`Address:\\s+${(await ipOn("cb2", "nb")).replace(/\./g, "\\.")}$`, "m"), renamed.stderr);
    await ok(["rename", "cb2", "cb"]);
    // network aliases are not listed in /etc/hosts (Docker 20.10 does not)
    assert.doesNotMatch(await ok(["exec", "cc", "cat", "/etc/hosts"]), /calias/);
    await ok(["rm", "-f", "ca", "cb", "cc"]);
    await ok(["network", "rm", "na", "nb"]);
  });

  test("a container's --dns servers are its upstreams on a user network; an internal network forwards nothing", async () => {
    await ok(["network", "create", "nd"]);
    await ok(["network", "create", "--internal", "ni"]);
    await sleeper("dd", ["--network", "nd", "--dns", UPSTREAM]);
    const r = await lookup("dd", "ext.example");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`Address:\\s+${UPSTREAM_ANSWER.replace(/\./g, "\\.")}$`, "m"));
    assert.ok(asked.includes("ext.example"), asked.join(","));
    // the embedded server stays the container's only nameserver
    assert.doesNotMatch(await ok(["exec", "dd", "cat", "/etc/resolv.conf"]), new RegExp(UPSTREAM.replace(/\./g, "\\.")));

    await sleeper("di", ["--network", "ni", "--dns", UPSTREAM]);
    const internal = await lookup("di", "internal.example");
    assert.doesNotMatch(internal.stdout, new RegExp(UPSTREAM_ANSWER.replace(/\./g, "\\.")));
    assert.ok(!asked.includes("internal.example"), asked.join(","));
    // names on the internal network itself still resolve
    await sleeper("di2", ["--network", "ni"]);
    assert.match((await lookup("di", "di2")).stdout, new RegExp(`Address:\\s+${(await ipOn("di2", "ni")).replace(/\./g, "\\.")}$`, "m"));
    await ok(["rm", "-f", "dd", "di", "di2"]);
    await ok(["network", "rm", "nd", "ni"]);
  });

  test("network disconnect bridge: running and stopped containers on the default bridge", async () => {
    await ok(["network", "create", "ne"]);
    await sleeper("be");
    await ok(["network", "connect", "ne", "be"]);
    assert.deepEqual(await networksOf("be"), ["bridge", "ne"]);
    // joining a user network live brings the embedded DNS server into its resolv.conf (Docker's rebuildDNS)
    const self = await lookup("be", "be");
    assert.match(self.stdout, new RegExp(`Address:\\s+${(await ipOn("be", "ne")).replace(/\./g, "\\.")}$`, "m"), self.stderr);
    await ok(["network", "disconnect", "bridge", "be"]);
    assert.deepEqual(await networksOf("be"), ["ne"]);
    assert.deepEqual(await addrsIn("be"), [await ipOn("be", "ne")]);
    const again = await d.docker(["network", "disconnect", "bridge", "be"]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /is not connected to the network bridge/);
    // the next start keeps it off the bridge
    await ok(["restart", "-t", "1", "be"]);
    assert.deepEqual(await networksOf("be"), ["ne"]);
    assert.equal((await addrsIn("be")).length, 1);
    // and it can come back
    await ok(["network", "connect", "bridge", "be"]);
    assert.deepEqual(await networksOf("be"), ["bridge", "ne"]);
    assert.equal((await addrsIn("be")).length, 2);
    const twice = await d.docker(["network", "connect", "bridge", "be"]);
    assert.match(twice.stderr, /endpoint with name be already exists in network bridge/);

    await ok(["create", "--name", "bs", "busybox", "true"]);
    assert.deepEqual(await networksOf("bs"), ["bridge"]);
    await ok(["network", "disconnect", "bridge", "bs"]);
    assert.deepEqual(await networksOf("bs"), []);
    await ok(["rm", "-f", "be", "bs"]);
    await ok(["network", "rm", "ne"]);
  });

  test("--network container:ID shares the other container's hostname, /etc/hosts and /etc/resolv.conf", async () => {
    await ok(["network", "create", "nf"]);
    await sleeper("base", ["--network", "nf", "--hostname", "basehost"]);
    const shown = await ok(["run", "--rm", "--network", "container:base", "busybox", "sh", "-c", "hostname; echo ---; cat /etc/hosts; echo ---; cat /etc/resolv.conf"]);
    const [hostname, hosts, resolv] = shown.split("---\n").map((s) => s.trim());
    assert.equal(hostname, "basehost");
    assert.equal(hosts, (await ok(["exec", "base", "cat", "/etc/hosts"])).trim());
    assert.equal(resolv, (await ok(["exec", "base", "cat", "/etc/resolv.conf"])).trim());
    // inspect names the shared files, as Docker does
    await ok(["create", "--name", "joiner", "--network", "container:base", "busybox", "true"]);
    const paths = '{{.HostsPath}} {{.ResolvConfPath}} {{.HostnamePath}}';
    assert.equal(await ok(["inspect", "-f", paths, "joiner"]), await ok(["inspect", "-f", paths, "base"]));
    await ok(["rm", "joiner"]);
    await ok(["rm", "-f", "base"]);
    await ok(["network", "rm", "nf"]);
  });

  test("network rm, prune and dangling count only running containers, as dockerd", async () => {
    await ok(["network", "create", "ng"]);
    await ok(["network", "create", "nh"]);
    await ok(["create", "--name", "sg", "--network", "ng", "busybox", "true"]);
    await ok(["create", "--name", "sh", "--network", "nh", "busybox", "true"]);
    await sleeper("rh", ["--network", "nh"]);
    const dangling = (await ok(["network", "ls", "--filter", "dangling=true", "--format", "{{.Name}}"])).split("\n");
    assert.ok(dangling.includes("ng") && !dangling.includes("nh"), dangling.join(","));
    const inUse = await d.docker(["network", "rm", "nh"]);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /has active endpoints/);
    await ok(["network", "rm", "ng"]);
    const start = await d.docker(["start", "sg"]);
    assert.notEqual(start.code, 0);
    assert.match(start.stderr, /network ng not found/);
    await ok(["rm", "-f", "rh"]);
    assert.match(await ok(["network", "prune", "-f"]), /nh/);
    assert.doesNotMatch(await ok(["network", "ls", "--format", "{{.Name}}"]), /^nh$/m);
    await ok(["rm", "-f", "sg", "sh"]);
  });
  test("--sysctl (compose sysctls) sets net.* in the container's namespace; hostile names are a 400", async () => {
    const shown = await ok(["run", "--rm", "--sysctl", "net.core.somaxconn=1024", "--sysctl", "net.ipv4.ip_unprivileged_port_start=0", "busybox", "cat", "/proc/sys/net/core/somaxconn", "/proc/sys/net/ipv4/ip_unprivileged_port_start"]);
    assert.deepEqual(shown.split("\n"), ["1024", "0"]);
    await ok(["create", "--name", "sysc", "--sysctl", "net.core.somaxconn=512", "busybox", "true"]);
    assert.equal(await ok(["inspect", "-f", "{{json .HostConfig.Sysctls}}", "sysc"]), '{"net.core.somaxconn":"512"}');
    await ok(["rm", "sysc"]);
    for (const [name, value] of [["../../../etc/passwd", "x"], ["net..core", "1"], ["net.core.somaxconn", "1\nx"]] as const) {
      const r = await d.api("POST", "/containers/create", JSON.stringify({ Image: "busybox", Cmd: ["true"], HostConfig: { Sysctls: { [name]: value } } }));
      assert.equal(r.status, 400, `${name}: ${r.body}`);
      assert.match(r.json<{ message: string }>().message, /sysctl/);
    }
    const wrongType = await d.api("POST", "/containers/create", JSON.stringify({ Image: "busybox", HostConfig: { Sysctls: { "net.core.somaxconn": 1 } } }));
    assert.equal(wrongType.status, 400);
  });
  test("published ports and the default route follow the gateway network (first non-internal by name) across live changes", async () => {
    await ok(["network", "create", "pz"]);
    await ok(["run", "-d", "--name", "pw", "-p", "127.0.0.1::80", "busybox", "sh", "-c", "mkdir -p /www && echo hello-pw > /www/index.html && exec httpd -f -p 80 -h /www"]);
    const port = Number((await ok(["port", "pw", "80"])).split(":").at(-1));
    const fetch = async () => {
      for (let i = 0; i < 50; i++) {
        const r = await httpGet("127.0.0.1", port).catch(() => undefined);
        if (r?.status === 200) return r.body;
        await new Promise((res) => setTimeout(res, 100));
      }
      return "";
    };
    assert.equal(await fetch(), "hello-pw\n");
    await ok(["network", "connect", "pz", "pw"]);
    await ok(["network", "disconnect", "bridge", "pw"]);
    const pzGateway = await ok(["network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", "pz"]);
    assert.match(await ok(["exec", "pw", "ip", "route"]), new RegExp(`^default via ${pzGateway.replace(/\./g, "\\.")} `, "m"));
    assert.equal(await fetch(), "hello-pw\n", "the published port now leads to the pz address");
    await ok(["rm", "-f", "pw"]);
    await ok(["network", "rm", "pz"]);
  });
  test("rm, prune, dangling, connect and disconnect of stopped members: the same outcomes as dockerd side by side", { skip: !hasDockerd && "no dockerd" }, async () => {
    const peer = await startPeerDocker();
    try {
      assert.equal((await peer.docker(["import", await busyboxTar(), "busybox:latest"])).code, 0);
      // each step: exit status and the output that matters, on both engines
      const steps: string[][] = [
        ["network", "create", "sq1"],
        ["network", "create", "sq2"],
        ["create", "--name", "sqa", "--network", "sq1", "busybox", "true"],
        ["network", "connect", "sq2", "sqa"],
        ["network", "connect", "sq2", "sqa"],
        ["network", "disconnect", "sq1", "sqa"],
        ["network", "disconnect", "sq1", "sqa"],
        ["network", "ls", "--filter", "dangling=true", "--format", "{{.Name}}"],
        ["network", "rm", "sq2"],
        // (dockerd keeps listing the removed network in the container's inspect; berth does not: docs/compat.md)
        ["network", "create", "sq3"],
        ["create", "--name", "sqb", "--network", "sq3", "busybox", "true"],
        ["network", "prune", "-f"],
        ["network", "ls", "--format", "{{.Name}}"],
        ["rm", "sqa", "sqb"],
      ];
      const outcome = (r: { code: number | null; stdout: string; stderr: string }) =>
        `${r.code === 0 ? "ok" : "error"} ${r.stdout.trim().split("\n").filter((l) => l.startsWith("sq") || /^\d+$/.test(l)).sort().join(",")}`;
      for (const step of steps) {
        const mine = await d.docker(step);
        const theirs = await peer.docker(step);
        assert.equal(outcome(mine), outcome(theirs), `docker ${step.join(" ")}: berth ${mine.stdout}${mine.stderr} / dockerd ${theirs.stdout}${theirs.stderr}`);
      }
    } finally {
      await peer.stop();
    }
  });
});
