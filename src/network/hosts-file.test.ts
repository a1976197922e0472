import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors/index.js";
import { containerHosts, ownHostNames, parseExtraHost, withOwnAddress, withoutOwnLines } from "./hosts-file.js";

const HEAD = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

describe("containerHosts", () => {
  test("Docker's layout: defaults, then the container's address and hostname", () => {
    assert.equal(containerHosts({ hostname: "abc123def456", addresses: ["172.17.0.2"] }), HEAD + "172.17.0.2\tabc123def456\n");
  });
  test("extra hosts come before the container's own lines", () => {
    const out = containerHosts({ hostname: "h", addresses: ["172.18.0.3"], extraHosts: ["db:10.0.0.5", "v6:fd00::1", "eq=10.0.0.6"] });
    assert.equal(out, HEAD + "10.0.0.5\tdb\nfd00::1\tv6\n10.0.0.6\teq\n172.18.0.3\th\n");
  });
  test("hostname + domainname: the FQDN first, then the short name, then aliases", () => {
    const out = containerHosts({ hostname: "web", domainname: "example.com", addresses: ["172.18.0.3"], aliases: ["app", "web"] });
    assert.match(out, /^172\.18\.0\.3\tweb\.example\.com web app$/m);
  });
  test("an FQDN in hostname alone is split too", () => {
    assert.match(containerHosts({ hostname: "web.example.com", addresses: ["10.1.0.2"] }), /^10\.1\.0\.2\tweb\.example\.com web$/m);
  });
  test("one line per address", () => {
    const out = containerHosts({ hostname: "h", addresses: ["172.18.0.3", "172.19.0.3"] });
    assert.equal(out, HEAD + "172.18.0.3\th\n172.19.0.3\th\n");
  });
  test("no addresses: only the default lines", () => {
    assert.equal(containerHosts({ hostname: "h", addresses: [] }), HEAD);
  });
  test("host-gateway is replaced by the given address, and refused without one", () => {
    assert.match(containerHosts({ hostname: "h", addresses: [], extraHosts: ["host.docker.internal:host-gateway"], hostGatewayIp: "172.17.0.1" }), /^172\.17\.0\.1\thost\.docker\.internal$/m);
    assert.throws(() => containerHosts({ hostname: "h", addresses: [], extraHosts: ["gw:host-gateway"] }), InvalidArgumentError);
  });
  test("names that would break the file are refused", () => {
    assert.throws(() => containerHosts({ hostname: "h\n1.2.3.4 evil", addresses: ["10.0.0.2"] }), InvalidArgumentError);
    assert.throws(() => containerHosts({ hostname: "h", addresses: ["10.0.0.2"], aliases: ["a b"] }), InvalidArgumentError);
    assert.throws(() => containerHosts({ hostname: "h", addresses: ["10.0.0.2\tx"] }), InvalidArgumentError);
  });
});

describe("parseExtraHost", () => {
  test("valid forms", () => {
    assert.deepEqual(parseExtraHost("db:10.0.0.5"), { name: "db", ip: "10.0.0.5" });
    assert.deepEqual(parseExtraHost("db=10.0.0.5"), { name: "db", ip: "10.0.0.5" });
    assert.deepEqual(parseExtraHost("v6:2001:db8::1"), { name: "v6", ip: "2001:db8::1" });
    assert.deepEqual(parseExtraHost("v6:[2001:db8::1]"), { name: "v6", ip: "2001:db8::1" });
    assert.deepEqual(parseExtraHost("v6=[::1]"), { name: "v6", ip: "::1" });
    assert.deepEqual(parseExtraHost("gw:host-gateway", "10.9.0.1"), { name: "gw", ip: "10.9.0.1" });
  });
  test("the daemon's messages for malformed values", () => {
    const bad: Array<[string, string]> = [
      ["x", 'bad format for add-host: "x"'],
      [":1.2.3.4", 'bad format for add-host: ":1.2.3.4"'],
      ["=1.2.3.4", 'bad format for add-host: "=1.2.3.4"'],
      ["a b:1.2.3.4", 'bad format for add-host: "a b:1.2.3.4"'],
      ["h\n:1.2.3.4", 'bad format for add-host: "h\\n:1.2.3.4"'],
      ["db:", 'invalid IP address in add-host: ""'],
      ["db:300.1.1.1", 'invalid IP address in add-host: "300.1.1.1"'],
      ["db:10.0.0.1 evil", 'invalid IP address in add-host: "10.0.0.1 evil"'],
      ["db:[]", 'invalid IP address in add-host: "[]"'],
      ["db=example.com", 'invalid IP address in add-host: "example.com"'],
    ];
    for (const [v, msg] of bad) assert.throws(() => parseExtraHost(v), (e: unknown) => e instanceof InvalidArgumentError && e.message === msg, v);
  });
});

describe("live network changes of /etc/hosts (as dockerd 20.10)", () => {
  const base = containerHosts({ hostname: "079af4209c74", addresses: ["172.21.0.2"] });
  test("connect adds one own line for the new address, once", () => {
    const names = ownHostNames("079af4209c74");
    const once = withOwnAddress(base, "172.22.0.2", names);
    assert.equal(once, base + "172.22.0.2\t079af4209c74\n");
    assert.equal(withOwnAddress(once, "172.22.0.2", names), once);
  });
  test("disconnect drops every own line, whatever its address; other lines stay", () => {
    const names = ownHostNames("web.example.com");
    const hosts = containerHosts({ hostname: "web.example.com", addresses: ["10.0.0.2"], extraHosts: ["db:10.9.9.9"] });
    const both = withOwnAddress(hosts, "10.0.1.2", names);
    const left = withoutOwnLines(both, names);
    assert.doesNotMatch(left, /web\.example\.com/);
    assert.match(left, /^10\.9\.9\.9\tdb$/m);
    assert.match(left, /^127\.0\.0\.1\tlocalhost$/m);
  });
});
