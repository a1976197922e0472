import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors/index.js";
import { containerResolvConf, isLoopbackAddress, parseResolvConf, upstreamResolvers } from "./resolv-conf.js";

const nameservers = (conf: string) => conf.split("\n").filter((l) => l.startsWith("nameserver")).map((l) => l.split(/\s+/)[1]);
const SYSTEMD = "# managed by systemd\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch corp.example\n";

describe("containerResolvConf on the default bridge", () => {
  test("drops loopback resolvers, falls back to Google DNS and keeps the rest of the host file as it is", () => {
    const out = containerResolvConf(SYSTEMD);
    assert.equal(out, "# managed by systemd\noptions edns0 trust-ad\nsearch corp.example\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });
  test("drops ::1, its long form and every 127.x resolver", () => {
    assert.deepEqual(nameservers(containerResolvConf("nameserver ::1\nnameserver 127.1.2.3\nnameserver 0:0:0:0:0:0:0:1\n")), ["8.8.8.8", "8.8.4.4"]);
  });
  test("keeps reachable IPv4 resolvers in order and adds no fallback", () => {
    assert.deepEqual(nameservers(containerResolvConf("nameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n")), ["10.0.0.2", "10.0.0.3"]);
  });
  test("IPv6 resolvers only when IPv6 is asked for", () => {
    const host = "nameserver fd00::1\nnameserver 10.0.0.2\n";
    assert.deepEqual(nameservers(containerResolvConf(host)), ["10.0.0.2"]);
    assert.deepEqual(nameservers(containerResolvConf(host, { ipv6: true })), ["fd00::1", "10.0.0.2"]);
    assert.deepEqual(nameservers(containerResolvConf("nameserver fd00::1\n")), ["8.8.8.8", "8.8.4.4"]);
    assert.deepEqual(nameservers(containerResolvConf("nameserver ::1\n", { ipv6: true })), ["8.8.8.8", "8.8.4.4", "2001:4860:4860::8888", "2001:4860:4860::8844"]);
  });
  test("an empty host file gets the fallback", () => {
    assert.equal(containerResolvConf(""), "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });
  test("this machine's style of file passes through unchanged", () => {
    assert.equal(containerResolvConf("nameserver 10.255.255.53\n"), "nameserver 10.255.255.53\n");
  });
});

describe("containerResolvConf with overrides", () => {
  test("--dns replaces the nameservers, keeps the host's search and options (Docker's Build layout)", () => {
    assert.equal(containerResolvConf(SYSTEMD, { dns: ["1.1.1.1", "9.9.9.9"] }), "search corp.example\nnameserver 1.1.1.1\nnameserver 9.9.9.9\noptions edns0 trust-ad\n");
  });
  test("--dns may name a loopback address: the user means the container's own", () => {
    assert.deepEqual(nameservers(containerResolvConf("nameserver 10.0.0.2\n", { dns: ["127.0.0.1"] })), ["127.0.0.1"]);
  });
  test("--dns-search replaces search and keeps filtered host nameservers", () => {
    const out = containerResolvConf("nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch a.example\n", { dnsSearch: ["b.example", "c.example"] });
    assert.equal(out, "search b.example c.example\nnameserver 10.0.0.2\n");
  });
  test("--dns-search . means no search line", () => {
    assert.equal(containerResolvConf(SYSTEMD, { dnsSearch: ["."] }), "nameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0 trust-ad\n");
  });
  test("--dns-option replaces the options", () => {
    assert.equal(containerResolvConf("nameserver 10.0.0.2\noptions rotate\n", { dnsOptions: ["ndots:2", "timeout:1"] }), "nameserver 10.0.0.2\noptions ndots:2 timeout:1\n");
  });
  test("malformed values are InvalidArgumentError and never reach the file", () => {
    assert.throws(() => containerResolvConf("", { dns: ["1.1.1.1\nnameserver 6.6.6.6"] }), InvalidArgumentError);
    assert.throws(() => containerResolvConf("", { dns: ["example.com"] }), { name: "InvalidArgumentError", message: "example.com is not an ip address" });
    assert.throws(() => containerResolvConf("", { dnsSearch: ["a b"] }), InvalidArgumentError);
    assert.throws(() => containerResolvConf("", { dnsSearch: ["-bad"] }), InvalidArgumentError);
    assert.throws(() => containerResolvConf("", { dnsSearch: ["x".repeat(300)] }), InvalidArgumentError);
    assert.throws(() => containerResolvConf("", { dnsOptions: ["ndots:1\nnameserver 6.6.6.6"] }), InvalidArgumentError);
    assert.throws(() => containerResolvConf("", { embeddedDns: "not-an-ip" }), InvalidArgumentError);
  });
});

describe("containerResolvConf with the embedded DNS server", () => {
  test("one nameserver, the host's search and options, plus ndots:0", () => {
    assert.equal(containerResolvConf(SYSTEMD, { embeddedDns: "172.18.0.1" }), "search corp.example\nnameserver 172.18.0.1\noptions edns0 trust-ad ndots:0\n");
  });
  test("a user ndots wins over the embedded server's ndots:0", () => {
    assert.equal(containerResolvConf("nameserver 10.0.0.2\n", { embeddedDns: "172.18.0.1", dnsOptions: ["ndots:3"] }), "nameserver 172.18.0.1\noptions ndots:3\n");
    assert.equal(containerResolvConf("options ndots:2\n", { embeddedDns: "172.18.0.1" }), "nameserver 172.18.0.1\noptions ndots:2\n");
  });
  test("--dns does not change the file's nameserver (it changes the upstreams)", () => {
    assert.deepEqual(nameservers(containerResolvConf(SYSTEMD, { embeddedDns: "172.18.0.1", dns: ["1.1.1.1"] })), ["172.18.0.1"]);
  });
  test("--dns-search overrides the host's search", () => {
    assert.match(containerResolvConf(SYSTEMD, { embeddedDns: "172.18.0.1", dnsSearch: ["svc.local"] }), /^search svc\.local$/m);
  });
});

describe("upstreamResolvers", () => {
  test("keeps loopback resolvers: the forwarder runs on the host", () => {
    assert.deepEqual(upstreamResolvers(SYSTEMD), ["127.0.0.53"]);
  });
  test("--dns replaces the host's, capped at three like Docker", () => {
    assert.deepEqual(upstreamResolvers(SYSTEMD, ["1.1.1.1", "9.9.9.9", "8.8.8.8", "4.4.4.4"]), ["1.1.1.1", "9.9.9.9", "8.8.8.8"]);
  });
  test("falls back to the public resolvers and skips garbage lines", () => {
    assert.deepEqual(upstreamResolvers("nameserver not-an-ip\n# nameserver 1.2.3.4\n"), ["8.8.8.8", "8.8.4.4"]);
  });
});

describe("parseResolvConf and isLoopbackAddress", () => {
  test("comments, domain, repeated options", () => {
    assert.deepEqual(parseResolvConf("domain a.example\nnameserver 1.1.1.1 # x\n; nameserver 2.2.2.2\noptions rotate\noptions ndots:2\n"), {
      nameservers: ["1.1.1.1"],
      search: ["a.example"],
      options: ["rotate", "ndots:2"],
    });
  });
  test("loopback", () => {
    for (const a of ["127.0.0.1", "127.255.0.9", "::1", "0:0:0:0:0:0:0:1"]) assert.ok(isLoopbackAddress(a), a);
    for (const a of ["10.0.0.1", "1::1", "fd00::1", "128.0.0.1", "x"]) assert.ok(!isLoopbackAddress(a), a);
  });
});
