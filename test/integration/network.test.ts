/**
 * Bridge networking end to end with the real docker CLI and berth's CLI:
 * user networks with name/alias resolution and isolation between networks,
 * published ports reached from the host (127.0.0.1 and the host's address),
 * -P, random ports, internal networks, containers reaching the host,
 * port-in-use errors, `network inspect` / `port` / `ps` output, and rules of
 * other owners left untouched. Every daemon has its own bridge, chains and
 * pool (harness.ts), so this runs next to other daemons.
 */
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, runCmd, startDaemon, type TestDaemon } from "./harness.js";
import { hostAddress, httpGet } from "./network-helpers.js";

/** busybox: speaks HTTP/1.0 with nc (Debian's static busybox wget resolves through glibc and crashes). */
function ncGet(target: string, port = 80): string {
  return `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${target} ${port}`;
}

/** A web container serving "hello from NAME" with busybox httpd. */
function webArgs(name: string, extra: string[] = []): string[] {
  return ["run", "-d", "--name", name, ...extra, "busybox", "sh", "-c", `mkdir -p /www && echo hello from ${name} > /www/index.html && exec httpd -f -p 80 -h /www`];
}

async function waitForPort(host: string, port: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect({ host, port }, () => {
        s.destroy();
        r(true);
      });
      s.on("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("bridge networks", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("containers on a user network reach each other by name and alias; not across networks", async () => {
    assert.equal((await d.docker(["network", "create", "front"])).code, 0);
    assert.equal((await d.docker(["network", "create", "back"])).code, 0);
    const web = await d.docker(webArgs("web1", ["--network", "front", "--network-alias", "www"]));
    assert.equal(web.code, 0, web.stderr);
    const byName = await d.docker(["run", "--rm", "--network", "front", "busybox", "sh", "-c", ncGet("web1")]);
    assert.match(byName.stdout, /hello from web1/, byName.stderr);
    const byAlias = await d.docker(["run", "--rm", "--network", "front", "busybox", "sh", "-c", ncGet("www")]);
    assert.match(byAlias.stdout, /hello from web1/, byAlias.stderr);
    const id = (await d.docker(["inspect", "-f", "{{.Id}}", "web1"])).stdout.trim();
    const byId = await d.docker(["run", "--rm", "--network", "front", "busybox", "sh", "-c", ncGet(id.slice(0, 12))]);
    assert.match(byId.stdout, /hello from web1/, byId.stderr);
    const ns = await d.docker(["run", "--rm", "--network", "front", "busybox", "nslookup", "web1"]);
    const ip = (await d.docker(["inspect", "-f", "{{.NetworkSettings.Networks.front.IPAddress}}", "web1"])).stdout.trim();
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.ok(ns.stdout.includes(ip), ns.stdout + ns.stderr);
    // another network: the name does not resolve, and the address is not reachable
    const otherName = await d.docker(["run", "--rm", "--network", "back", "busybox", "sh", "-c", ncGet("web1")]);
    assert.doesNotMatch(otherName.stdout, /hello/);
    const otherIp = await d.docker(["run", "--rm", "--network", "back", "busybox", "sh", "-c", ncGet(ip)]);
    assert.doesNotMatch(otherIp.stdout, /hello/);
    // the default bridge has no name resolution (as Docker)
    const dflt = await d.docker(["run", "--rm", "busybox", "sh", "-c", ncGet("web1")]);
    assert.doesNotMatch(dflt.stdout, /hello/);
    // network connect makes it reachable from the other network, disconnect takes it away again
    assert.equal((await d.docker(["network", "connect", "back", "web1"])).code, 0);
    const connected = await d.docker(["run", "--rm", "--network", "back", "busybox", "sh", "-c", ncGet("web1")]);
    assert.match(connected.stdout, /hello from web1/, connected.stderr);
    assert.equal((await d.docker(["network", "disconnect", "back", "web1"])).code, 0);
    const gone = await d.docker(["run", "--rm", "--network", "back", "busybox", "sh", "-c", ncGet("web1")]);
    assert.doesNotMatch(gone.stdout, /hello/);
    // a network with an active endpoint cannot be removed
    const busy = await d.docker(["network", "rm", "front"]);
    assert.notEqual(busy.code, 0);
    assert.match(busy.stderr, /has active endpoints/);
    assert.equal((await d.docker(["rm", "-f", "web1"])).code, 0);
    assert.equal((await d.docker(["network", "rm", "front", "back"])).code, 0);
  });

  test("network inspect and container inspect show Docker's shapes", async () => {
    const c = await d.docker(["network", "create", "--subnet", "10.231.7.0/24", "--gateway", "10.231.7.254", "--label", "team=a", "shapes"]);
    assert.equal(c.code, 0, c.stderr);
    const run = await d.docker(webArgs("shape1", ["--network", "shapes", "--ip", "10.231.7.9"]));
    assert.equal(run.code, 0, run.stderr);
    const [n] = JSON.parse((await d.docker(["network", "inspect", "shapes"])).stdout);
    assert.equal(n.Name, "shapes");
    assert.equal(n.Driver, "bridge");
    assert.equal(n.Scope, "local");
    assert.deepEqual(n.IPAM.Config, [{ Subnet: "10.231.7.0/24", Gateway: "10.231.7.254" }]);
    assert.deepEqual(n.Labels, { team: "a" });
    const members = Object.values(n.Containers) as Array<{ Name: string; IPv4Address: string; MacAddress: string }>;
    assert.equal(members.length, 1);
    assert.equal(members[0]!.Name, "shape1");
    assert.equal(members[0]!.IPv4Address, "10.231.7.9/24");
    assert.equal(members[0]!.MacAddress, "02:42:0a:e7:07:09", "MAC derived from the address as Docker does");
    const [ci] = JSON.parse((await d.docker(["inspect", "shape1"])).stdout);
    const ep = ci.NetworkSettings.Networks.shapes;
    assert.equal(ep.IPAddress, "10.231.7.9");
    assert.equal(ep.Gateway, "10.231.7.254");
    assert.equal(ep.IPPrefixLen, 24);
    assert.equal(ep.NetworkID, n.Id);
    assert.match(ep.EndpointID, /^[0-9a-f]{64}$/);
    assert.equal(ci.NetworkSettings.IPAddress, "", "legacy fields are for the default bridge only");
    const route = await d.docker(["exec", "shape1", "ip", "route"]);
    assert.match(route.stdout, /default via 10\.231\.7\.254/);
    const ls = await d.berth(["network", "ls"]);
    for (const name of ["bridge", "host", "none", "shapes"]) assert.match(ls.stdout, new RegExp(`\\b${name}\\b`));
    const overlap = await d.docker(["network", "create", "--subnet", "10.231.0.0/16", "overlap"]);
    assert.notEqual(overlap.code, 0);
    assert.match(overlap.stderr, /overlaps/);
    const dup = await d.docker(["network", "create", "shapes"]);
    assert.match(dup.stderr, /already exists/);
    const pre = await d.docker(["network", "rm", "bridge"]);
    assert.match(pre.stderr, /pre-defined network and cannot be removed/);
    assert.equal((await d.docker(["rm", "-f", "shape1"])).code, 0);
    const ev = await d.api("GET", `/events?since=0&until=${Math.ceil(Date.now() / 1000) + 1}&filters=${encodeURIComponent(JSON.stringify({ type: ["network"], network: [n.Id] }))}`);
    const actions = ev.body.toString().trim().split("\n").map((l) => JSON.parse(l).Action);
    assert.deepEqual(actions.slice(0, 2), ["create", "connect"], ev.body.toString());
    const pruned = await d.berth(["network", "prune", "-f"]);
    assert.match(pruned.stdout, /shapes/);
    assert.doesNotMatch((await d.docker(["network", "ls"])).stdout, /shapes/);
  });

  test("published ports answer on 127.0.0.1 and the host's address; port, ps and inspect show them", async () => {
    const r = await d.docker(webArgs("pub1", ["-p", "127.0.0.1::80", "-p", "80", "--expose", "81", "-P"]));
    assert.equal(r.code, 0, r.stderr);
    const portOut = (await d.docker(["port", "pub1"])).stdout;
    const m80 = [...portOut.matchAll(/^80\/tcp -> (\S+):(\d+)$/gm)];
    assert.equal(m80.length, 2, portOut);
    const local = m80.find((m) => m[1] === "127.0.0.1");
    const any = m80.find((m) => m[1] === "0.0.0.0");
    assert.ok(local && any, portOut);
    assert.match(portOut, /^81\/tcp -> 0\.0\.0\.0:\d+$/m, "-P publishes the exposed port");
    await waitForPort("127.0.0.1", Number(local[2]));
    assert.match((await httpGet("127.0.0.1", Number(local[2]))).body, /hello from pub1/);
    assert.match((await httpGet("127.0.0.1", Number(any[2]))).body, /hello from pub1/);
    assert.match((await httpGet(hostAddress(), Number(any[2]))).body, /hello from pub1/);
    const ps = await d.docker(["ps", "--filter", "name=pub1", "--format", "{{.Ports}}"]);
    assert.match(ps.stdout, new RegExp(`0\\.0\\.0\\.0:${any[2]}->80/tcp`));
    // hairpin: another container reaches the published port through the host's address
    const hp = await d.docker(["run", "--rm", "busybox", "sh", "-c", ncGet(hostAddress(), Number(any[2]))]);
    assert.match(hp.stdout, /hello from pub1/, hp.stderr);
    const [ci] = JSON.parse((await d.docker(["inspect", "pub1"])).stdout);
    assert.equal(ci.NetworkSettings.Ports["80/tcp"].length, 2);
    assert.match(ci.NetworkSettings.IPAddress, /^\d+\.\d+\.\d+\.\d+$/, "default bridge fills the legacy fields");
    assert.equal((await d.docker(["rm", "-f", "pub1"])).code, 0);
    await assert.rejects(httpGet("127.0.0.1", Number(any[2])), "the port is closed after removal");
  });

  test("a fixed host port in use is a clear error at start; ranges pick a free port", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "0.0.0.0", r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await d.docker(["run", "--rm", "-p", `${port}:80`, "busybox", "true"]);
      assert.equal(r.code, 125, r.stderr);
      assert.match(r.stderr, new RegExp(`${port}.*(already allocated|address already in use)`));
      const ranged = await d.docker(webArgs("ranged", ["-p", `${port}-${port + 5}:80`]));
      assert.equal(ranged.code, 0, ranged.stderr);
      const mapped = (await d.docker(["port", "ranged", "80"])).stdout.trim();
      const got = Number(mapped.split(":").at(-1));
      assert.ok(got > port && got <= port + 5, mapped);
      assert.equal((await d.docker(["rm", "-f", "ranged"])).code, 0);
    } finally {
      blocker.close();
    }
  });

  test("containers reach a server on the host and the outside through NAT; internal networks have no route out", async () => {
    const server = http.createServer((req, res) => res.end(`host saw ${req.socket.remoteAddress}\n`));
    await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const out = await d.docker(["run", "--rm", "busybox", "sh", "-c", ncGet(hostAddress(), port)]);
      assert.match(out.stdout, /host saw/, out.stderr);
      assert.equal((await d.docker(["network", "create", "--internal", "sealed"])).code, 0);
      const sealed = await d.docker(["run", "--rm", "--network", "sealed", "busybox", "sh", "-c", `ip route; ${ncGet(hostAddress(), port)}; echo rc=$?`]);
      assert.doesNotMatch(sealed.stdout, /default/, "no default route on an internal network");
      assert.doesNotMatch(sealed.stdout, /host saw/);
      assert.equal((await d.docker(["network", "rm", "sealed"])).code, 0);
    } finally {
      server.close();
    }
  });

  test("--hostname, --add-host, --dns and container: mode", async () => {
    const r = await d.docker(["run", "--rm", "--hostname", "box1", "--add-host", "db.example:10.9.8.7", "--add-host", "gw:host-gateway", "--dns", "9.9.9.9", "--dns-search", "corp.example", "busybox", "sh", "-c", "cat /etc/hosts /etc/resolv.conf; hostname; ip -4 addr show eth0"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^10\.9\.8\.7\tdb\.example$/m);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\.1\tgw$/m, "host-gateway is the bridge's address");
    const ip = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(r.stdout)?.[1];
    assert.ok(ip, r.stdout);
    assert.match(r.stdout, new RegExp(`^${ip.replaceAll(".", "\\.")}\tbox1$`, "m"), "the container's own line carries its address");
    assert.match(r.stdout, /^nameserver 9\.9\.9\.9$/m);
    assert.match(r.stdout, /^search corp\.example$/m);
    assert.match(r.stdout, /^box1$/m);
    assert.equal((await d.docker(webArgs("nsowner"))).code, 0);
    const ownerIp = (await d.docker(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "nsowner"])).stdout.trim();
    const joined = await d.docker(["run", "--rm", "--network", "container:nsowner", "busybox", "sh", "-c", `ip -4 addr show eth0; ${ncGet("127.0.0.1")}`]);
    assert.ok(joined.stdout.includes(`inet ${ownerIp}/`), joined.stdout + joined.stderr);
    assert.match(joined.stdout, /hello from nsowner/, "shares the owner's namespace: its loopback serves the owner's httpd");
    assert.equal((await d.docker(["rm", "-f", "nsowner"])).code, 0);
  });

  test("berth CLI: network create, inspect, connect, ls filters, rm", async () => {
    const c = await d.berth(["network", "create", "--subnet", "10.232.9.0/24", "--ip-range", "10.232.9.128/25", "--label", "k=v", "cli-net"]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout.trim(), /^[0-9a-f]{64}$/);
    assert.equal((await d.berth(["run", "-d", "--name", "cli1", "busybox", "sleep", "60"])).code, 0);
    const conn = await d.berth(["network", "connect", "--alias", "one", "cli-net", "cli1"]);
    assert.equal(conn.code, 0, conn.stderr);
    const addr = await d.berth(["exec", "cli1", "ip", "-4", "addr", "show", "eth1"]);
    assert.match(addr.stdout, /inet 10\.232\.9\.(\d+)\//);
    assert.ok(Number(/inet 10\.232\.9\.(\d+)\//.exec(addr.stdout)![1]) >= 128, "addresses come from --ip-range");
    const tpl = await d.berth(["network", "inspect", "-f", "{{.Name}} {{.Driver}}", "cli-net"]);
    assert.equal(tpl.stdout.trim(), "cli-net bridge");
    const filtered = await d.berth(["network", "ls", "-q", "--filter", "label=k=v"]);
    assert.equal(filtered.stdout.trim().split("\n").length, 1);
    assert.equal((await d.berth(["network", "disconnect", "cli-net", "cli1"])).code, 0);
    const gone = await d.berth(["exec", "cli1", "ls", "/sys/class/net"]);
    assert.doesNotMatch(gone.stdout, /eth1/);
    assert.equal((await d.berth(["rm", "-f", "cli1"])).code, 0);
    assert.equal((await d.berth(["network", "rm", "cli-net"])).code, 0);
    const missing = await d.berth(["network", "inspect", "cli-net"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /not found/);
  });

  test("rules berth did not write stay as they were", async () => {
    const chain = `SENTINEL_${d.net.chainPrefix.slice(3)}`;
    await runCmd(["iptables", "-w", "-N", chain]);
    await runCmd(["iptables", "-w", "-A", chain, "-s", "198.51.100.7/32", "-j", "RETURN"]);
    await runCmd(["iptables", "-w", "-A", "FORWARD", "-j", chain]);
    const foreign = async () => {
      const lines: string[] = [];
      for (const t of ["filter", "nat"]) {
        const s = (await runCmd(["iptables-save", "-t", t])).stdout.split("\n");
        lines.push(...s.filter((l) => l.includes(chain) || /DOCKER/.test(l)));
      }
      return lines.sort();
    };
    try {
      const before = await foreign();
      assert.equal((await d.docker(["network", "create", "fw"])).code, 0);
      assert.equal((await d.docker(webArgs("fw1", ["--network", "fw", "-p", "80"]))).code, 0);
      assert.equal((await d.docker(["rm", "-f", "fw1"])).code, 0);
      assert.equal((await d.docker(["network", "rm", "fw"])).code, 0);
      assert.deepEqual(await foreign(), before);
    } finally {
      await runCmd(["iptables", "-w", "-D", "FORWARD", "-j", chain]);
      await runCmd(["iptables", "-w", "-F", chain]);
      await runCmd(["iptables", "-w", "-X", chain]);
    }
  });
});
