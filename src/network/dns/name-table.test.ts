import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { NetworkNameTable } from "./name-table.js";

const ID = (c: string) => c.repeat(64);

function table(): NetworkNameTable {
  const t = new NetworkNameTable();
  t.setNetwork({ id: "n1", name: "front" });
  t.setNetwork({ id: "n2", name: "back" });
  t.setNetwork({ id: "n3", name: "other" });
  t.setEndpoint("n1", { containerId: ID("a"), containerName: "web", aliases: ["www", "lb"], ipv4: "172.20.0.2" });
  t.setEndpoint("n1", { containerId: ID("b"), containerName: "web2", aliases: ["lb"], ipv4: "172.20.0.3" });
  t.setEndpoint("n2", { containerId: ID("a"), containerName: "web", ipv4: "172.21.0.2" });
  t.setEndpoint("n2", { containerId: ID("c"), containerName: "db", aliases: ["Postgres"], ipv4: "172.21.0.3", ipv6: "fd00:21::3" });
  t.setEndpoint("n3", { containerId: ID("d"), containerName: "stranger", ipv4: "172.22.0.2" });
  return t;
}

describe("NetworkNameTable", () => {
  test("name, alias and short ID resolve, case-insensitively", () => {
    const t = table();
    const from = "172.20.0.3"; // web2, on front only
    assert.deepEqual(t.resolve("web", "A", from), { addresses: ["172.20.0.2"] });
    assert.deepEqual(t.resolve("WWW", "A", from), { addresses: ["172.20.0.2"] });
    assert.deepEqual(t.resolve("aaaaaaaaaaaa", "A", from), { addresses: ["172.20.0.2"] });
    assert.equal(t.resolve(ID("a"), "A", from), undefined, "the full ID is not a name (a label is at most 63 octets)");
  });

  test("an alias shared by two containers gives both addresses", () => {
    assert.deepEqual(table().resolve("lb", "A", "172.20.0.2")?.addresses?.sort(), ["172.20.0.2", "172.20.0.3"]);
  });

  test("only the querying container's networks count", () => {
    const t = table();
    assert.equal(t.resolve("db", "A", "172.20.0.3"), undefined, "web2 is not on back");
    assert.deepEqual(t.resolve("db", "A", "172.20.0.2"), { addresses: ["172.21.0.3"] }, "web is on front and back");
    assert.deepEqual(t.resolve("db", "A", "172.21.0.2"), { addresses: ["172.21.0.3"] }, "web's other address counts too");
    assert.equal(t.resolve("stranger", "A", "172.20.0.2"), undefined);
    assert.equal(t.resolve("web", "A", "10.9.9.9"), undefined, "unknown clients get nothing (forwarded)");
  });

  test("a container on two networks gets its address on the network asked, name.network", () => {
    const t = table();
    assert.deepEqual(t.resolve("web.front", "A", "172.21.0.3"), undefined, "db is not on front");
    assert.deepEqual(t.resolve("web.back", "A", "172.21.0.3"), { addresses: ["172.21.0.2"] });
    assert.deepEqual(t.resolve("web.FRONT", "A", "172.20.0.3"), { addresses: ["172.20.0.2"] });
    // Unqualified: networks in name order, so "back" (172.21.0.2) before "front".
    assert.deepEqual(t.resolve("web", "A", "172.20.0.2"), { addresses: ["172.21.0.2"] });
  });

  test("dotted names and dotted network names split the way Docker splits them", () => {
    const t = new NetworkNameTable();
    t.setNetwork({ id: "x", name: "my.net" });
    t.setEndpoint("x", { containerId: ID("e"), containerName: "a.b", ipv4: "10.5.0.2" });
    t.setEndpoint("x", { containerId: ID("f"), containerName: "c", ipv4: "10.5.0.3" });
    assert.deepEqual(t.resolve("a.b", "A", "10.5.0.3"), { addresses: ["10.5.0.2"] });
    assert.deepEqual(t.resolve("a.b.my.net", "A", "10.5.0.3"), { addresses: ["10.5.0.2"] });
    assert.deepEqual(t.resolve("c.my.net.", "A", "10.5.0.2"), { addresses: ["10.5.0.3"] });
    assert.equal(t.resolve("c.net", "A", "10.5.0.2"), undefined);
  });

  test("AAAA: IPv6 addresses, or an empty answer for a known name without one", () => {
    const t = table();
    assert.deepEqual(t.resolve("postgres", "AAAA", "172.21.0.2"), { addresses: ["fd00:21::3"] });
    assert.deepEqual(t.resolve("web", "AAAA", "172.20.0.3"), { addresses: [] });
    assert.equal(t.resolve("nosuch", "AAAA", "172.20.0.3"), undefined);
  });

  test("PTR: container name and network name, only for connected networks", () => {
    const t = table();
    assert.deepEqual(t.resolve("172.21.0.3", "PTR", "172.21.0.2"), { ptr: "db.back" });
    assert.deepEqual(t.resolve("fd00:21:0::3", "PTR", "172.21.0.2"), { ptr: "db.back" });
    assert.equal(t.resolve("172.22.0.2", "PTR", "172.21.0.2"), undefined);
  });

  test("the querying container may come from its IPv6 address", () => {
    assert.deepEqual(table().resolve("web", "A", "fd00:21:0:0::3"), { addresses: ["172.21.0.2"] });
  });

  test("disconnect, container removal, network removal and rename", () => {
    const t = table();
    t.removeEndpoint("n1", ID("b"));
    assert.deepEqual(t.resolve("lb", "A", "172.20.0.2"), { addresses: ["172.20.0.2"] });
    t.setNetwork({ id: "n2", name: "backend" });
    assert.deepEqual(t.resolve("db.backend", "A", "172.21.0.2"), { addresses: ["172.21.0.3"] });
    assert.equal(t.resolve("db.back", "A", "172.21.0.2"), undefined);
    t.removeContainer(ID("c"));
    assert.equal(t.resolve("db", "A", "172.21.0.2"), undefined);
    t.removeNetwork("n1");
    assert.equal(t.resolve("web", "A", "172.20.0.2"), undefined, "the address is gone with its network");
    assert.throws(() => t.setEndpoint("n1", { containerId: ID("z"), containerName: "z" }), RangeError);
  });

  test("the records are copies: later changes to the caller's objects do not leak in", () => {
    const t = new NetworkNameTable();
    t.setNetwork({ id: "x", name: "n" });
    const aliases = ["one"];
    t.setEndpoint("x", { containerId: ID("e"), containerName: "c", aliases, ipv4: "10.6.0.2" });
    aliases.push("two");
    assert.equal(t.resolve("two", "A", "10.6.0.2"), undefined);
  });
});
