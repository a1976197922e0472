import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ContainerNetworks } from "./container-networks.js";
import { NetworkDns, type DnsContainerInfo } from "./network-dns.js";
import type { NetworkService } from "./network-service.js";
import type { Endpoint, NetworkRecord, SandboxState } from "./types.js";

function network(id: string, name: string, subnet: string, o: Partial<NetworkRecord> = {}): NetworkRecord {
  const gw = subnet.replace(/0\/24$/, "1");
  return { id, name, driver: "bridge", created: id, internal: false, attachable: false, labels: {}, options: {}, predefined: false, members: {}, ipam: { subnet, gateway: gw }, ...o };
}

function endpoint(networkId: string, ip: string, aliases: string[] = []): Endpoint {
  return { networkId, endpointId: "e", ifname: "eth0", vethHost: "v", ip, prefixLen: 24, gateway: "", mac: "", aliases };
}

/** NetworkDns over plain records: only what it reads of the two services. */
function setup() {
  const nets = [
    network("bridge", "bridge", "10.0.0.0/24", { predefined: true }),
    network("na", "na", "10.1.1.0/24"),
    network("nb", "nb", "10.1.2.0/24"),
    network("ni", "ni", "10.1.3.0/24", { internal: true }),
  ];
  const sandboxes: SandboxState[] = [];
  const info = new Map<string, DnsContainerInfo>();
  const fakeNets = { list: () => nets, byId: (id: string) => nets.find((n) => n.id === id) } as unknown as NetworkService;
  const fakeSandboxes = { allSandboxes: () => sandboxes, onEndpointsChanged: () => {} } as unknown as ContainerNetworks;
  const dns = new NetworkDns(fakeNets, fakeSandboxes, (id) => info.get(id));
  const add = (id: string, name: string, endpoints: Endpoint[], dnsServers: string[] = []) => {
    sandboxes.push({ containerId: id.padEnd(64, "0"), nsPath: "", endpoints, ports: [] });
    info.set(id.padEnd(64, "0"), { name, dns: dnsServers });
    fakeSandboxes.onEndpointsChanged();
  };
  return { dns, add, sandboxes, info, changed: () => fakeSandboxes.onEndpointsChanged() };
}

describe("NetworkDns: Docker 20.10's name scoping over the running sandboxes", () => {
  test("names, short IDs and aliases resolve only on the asker's networks; name.network narrows", () => {
    const { dns, add } = setup();
    add("aaaaaaaaaaaa", "ca", [endpoint("na", "10.1.1.2"), endpoint("nb", "10.1.2.2")]);
    add("bbbbbbbbbbbb", "cb", [endpoint("nb", "10.1.2.3")]);
    add("cccccccccccc", "cc", [endpoint("na", "10.1.1.4", ["calias"])]);
    add("dddddddddddd", "onbridge", [endpoint("bridge", "10.0.0.2")]);
    assert.deepEqual(dns.resolve("ca", "A", "10.1.2.3"), { addresses: ["10.1.2.2"] });
    assert.deepEqual(dns.resolve("aaaaaaaaaaaa", "A", "10.1.2.3"), { addresses: ["10.1.2.2"] });
    assert.equal(dns.resolve("cc", "A", "10.1.2.3"), undefined);
    assert.equal(dns.resolve("calias", "A", "10.1.2.3"), undefined);
    assert.deepEqual(dns.resolve("calias", "A", "10.1.1.2"), { addresses: ["10.1.1.4"] });
    assert.deepEqual(dns.resolve("ca.nb", "A", "10.1.1.4"), undefined, "cc is not on nb");
    assert.deepEqual(dns.resolve("cb.nb", "A", "::ffff:10.1.1.2"), { addresses: ["10.1.2.3"] });
    assert.deepEqual(dns.resolve("10.1.1.4", "PTR", "10.1.1.2"), { ptr: "cc.na" });
    // the default bridge has no names, and its containers are no clients
    assert.equal(dns.resolve("onbridge", "A", "10.1.1.2"), undefined);
    assert.equal(dns.resolve("ca", "A", "10.0.0.2"), undefined);
  });

  test("changes are seen: endpoints after onEndpointsChanged, renames at once", () => {
    const { dns, add, sandboxes, info, changed } = setup();
    add("aaaaaaaaaaaa", "ca", [endpoint("na", "10.1.1.2")]);
    assert.equal(dns.resolve("cb", "A", "10.1.1.2"), undefined);
    add("bbbbbbbbbbbb", "cb", [endpoint("na", "10.1.1.3")]);
    assert.deepEqual(dns.resolve("cb", "A", "10.1.1.2"), { addresses: ["10.1.1.3"] });
    info.set("bbbbbbbbbbbb".padEnd(64, "0"), { name: "renamed", dns: [] });
    assert.deepEqual(dns.resolve("renamed", "A", "10.1.1.2"), { addresses: ["10.1.1.3"] });
    assert.equal(dns.resolve("cb", "A", "10.1.1.2"), undefined);
    sandboxes.pop();
    changed();
    assert.equal(dns.resolve("renamed", "A", "10.1.1.2"), undefined);
  });

  test("upstreams: the asker's --dns, else the host's; none and empty answers on internal-only networks", () => {
    const { dns, add } = setup();
    add("aaaaaaaaaaaa", "withdns", [endpoint("na", "10.1.1.2")], ["192.0.2.53"]);
    add("bbbbbbbbbbbb", "plain", [endpoint("na", "10.1.1.3")]);
    add("cccccccccccc", "internal", [endpoint("ni", "10.1.3.2")], ["192.0.2.53"]);
    add("dddddddddddd", "both", [endpoint("ni", "10.1.3.3"), endpoint("na", "10.1.1.5")]);
    assert.deepEqual(dns.upstreams("10.1.1.2"), ["192.0.2.53"]);
    assert.deepEqual(dns.upstreams("10.1.1.3"), ["8.8.8.8", "8.8.4.4"], "no host resolv.conf read: the public defaults");
    assert.deepEqual(dns.upstreams("10.1.3.2"), []);
    assert.deepEqual(dns.resolve("example.com", "A", "10.1.3.2"), { addresses: [] });
    assert.equal(dns.resolve("example.com", "PTR", "10.1.3.2"), undefined);
    // a way out through another network: forwarded as usual
    assert.notDeepEqual(dns.upstreams("10.1.3.3"), []);
    assert.equal(dns.resolve("example.com", "A", "10.1.3.3"), undefined);
    assert.deepEqual(dns.resolve("internal", "A", "10.1.3.3"), { addresses: ["10.1.3.2"] });
  });
});
