/**
 * Differential check of containerResolvConf() and containerHosts() against
 * Docker itself (Debian's docker.io 20.10, a private dockerd): the same flags
 * on a user-defined network and on --network none must give byte-identical
 * /etc/resolv.conf and /etc/hosts, computed from this host's /etc/resolv.conf.
 * (The private dockerd runs without a default bridge, so the default-bridge
 * shape is covered by the unit tests only.)
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { after, before, describe, test } from "node:test";
import { containerHosts } from "../../src/network/hosts-file.js";
import { containerResolvConf } from "../../src/network/resolv-conf.js";
import { busyboxTar, isRoot } from "./harness.js";
import { hasDockerd, startPeerDocker, type PeerDocker } from "./peer-docker.js";

const NETWORK = "berth-dnsfiles-chk";
const SUBNET = "10.199.77.0/24";

interface Seen {
  resolvConf: string;
  hosts: string;
  hostname: string;
  address: string;
}

describe("resolv.conf and /etc/hosts as Docker 20.10 writes them", { skip: (!isRoot && "needs root") || (!hasDockerd && "no dockerd") }, () => {
  let peer: PeerDocker;
  let hostResolvConf = "";

  before(async () => {
    hostResolvConf = await fs.readFile("/etc/resolv.conf", "utf8");
    peer = await startPeerDocker();
    const imp = await peer.docker(["import", "-", "busybox:latest"], { input: await fs.readFile(await busyboxTar()) });
    assert.equal(imp.code, 0, imp.stderr);
    const net = await peer.docker(["network", "create", "--subnet", SUBNET, NETWORK]);
    assert.equal(net.code, 0, net.stderr);
  });
  after(async () => {
    await peer?.docker(["rm", "-f", ...((await peer.docker(["ps", "-aq"])).stdout.split("\n").filter(Boolean))]).catch(() => {});
    await peer?.docker(["network", "rm", NETWORK]).catch(() => {});
    await peer?.stop();
  });

  async function inDocker(args: string[]): Promise<Seen> {
    const script = "cat /etc/resolv.conf; echo @@; cat /etc/hosts; echo @@; hostname; echo @@; ip -o -4 addr show eth0 2>/dev/null | awk '{print $4}' | cut -d/ -f1";
    const r = await peer.docker(["run", "--rm", ...args, "busybox", "sh", "-c", script]);
    assert.equal(r.code, 0, r.stderr);
    const [resolvConf, hosts, hostname, address] = r.stdout.split("@@\n") as [string, string, string, string];
    return { resolvConf, hosts, hostname: hostname.trim(), address: address.trim() };
  }

  test("user network, no flags", async () => {
    const seen = await inDocker(["--network", NETWORK]);
    assert.equal(containerResolvConf(hostResolvConf, { embeddedDns: "127.0.0.11" }), seen.resolvConf);
    assert.equal(containerHosts({ hostname: seen.hostname, addresses: [seen.address] }), seen.hosts);
  });

  test("user network with --dns, --dns-search, --dns-option, --hostname, --domainname, --add-host", async () => {
    const seen = await inDocker(["--network", NETWORK, "--dns", "1.1.1.1", "--dns-search", "a.example", "--dns-search", "b.example", "--dns-option", "ndots:3", "--dns-option", "timeout:2", "--hostname", "web", "--domainname", "ex.com", "--add-host", "db:10.0.0.5", "--add-host", "v6:fd00::1"]);
    const resolv = containerResolvConf(hostResolvConf, { embeddedDns: "127.0.0.11", dns: ["1.1.1.1"], dnsSearch: ["a.example", "b.example"], dnsOptions: ["ndots:3", "timeout:2"] });
    assert.equal(resolv, seen.resolvConf);
    assert.equal(containerHosts({ hostname: "web", domainname: "ex.com", addresses: [seen.address], extraHosts: ["db:10.0.0.5", "v6:fd00::1"] }), seen.hosts);
  });

  test("user network with --dns-search .", async () => {
    const seen = await inDocker(["--network", NETWORK, "--dns-search", "."]);
    assert.equal(containerResolvConf(hostResolvConf, { embeddedDns: "127.0.0.11", dnsSearch: ["."] }), seen.resolvConf);
  });

  test("--network none: the host's file filtered, or rebuilt with --dns; no hostname line in hosts", async () => {
    const plain = await inDocker(["--network", "none"]);
    assert.equal(containerResolvConf(hostResolvConf), plain.resolvConf);
    assert.equal(containerHosts({ hostname: plain.hostname, addresses: [] }), plain.hosts);
    const dns = await inDocker(["--network", "none", "--dns", "9.9.9.9", "--dns-option", "rotate"]);
    assert.equal(containerResolvConf(hostResolvConf, { dns: ["9.9.9.9"], dnsOptions: ["rotate"] }), dns.resolvConf);
  });
});
