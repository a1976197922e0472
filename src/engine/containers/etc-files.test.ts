import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { containerHosts, containerResolvConf, etcFilePaths } from "./etc-files.js";

const nameservers = (conf: string) => conf.split("\n").filter((l) => l.startsWith("nameserver")).map((l) => l.split(/\s+/)[1]);

describe("containerResolvConf", () => {
  test("drops systemd-resolved's 127.0.0.53 and falls back to Google DNS, keeping search/options", () => {
    const out = containerResolvConf("# managed by systemd\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch corp.example\n");
    assert.deepEqual(nameservers(out), ["8.8.8.8", "8.8.4.4"]);
    assert.match(out, /^options edns0 trust-ad$/m);
    assert.match(out, /^search corp\.example$/m);
    assert.ok(out.endsWith("\n"));
  });
  test("drops ::1 and every 127.x resolver", () => {
    assert.deepEqual(nameservers(containerResolvConf("nameserver ::1\nnameserver 127.0.0.1\n")), ["8.8.8.8", "8.8.4.4"]);
  });
  test("keeps reachable resolvers and adds no fallback then", () => {
    assert.deepEqual(nameservers(containerResolvConf("nameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver fd00::1\n")), ["10.0.0.2", "fd00::1"]);
  });
  test("an empty host file gets the fallback", () => {
    assert.deepEqual(nameservers(containerResolvConf("")), ["8.8.8.8", "8.8.4.4"]);
  });
  test("--dns replaces every host nameserver", () => {
    assert.deepEqual(nameservers(containerResolvConf("nameserver 10.0.0.2\nsearch x\n", ["1.1.1.1"])), ["1.1.1.1"]);
  });
});

describe("containerHosts", () => {
  test("localhost entries and the container's hostname", () => {
    const lines = containerHosts("abc123def456").trimEnd().split("\n");
    assert.equal(lines[0], "127.0.0.1\tlocalhost");
    assert.equal(lines[1], "::1\tlocalhost ip6-localhost ip6-loopback");
    assert.equal(lines.at(-1), "127.0.1.1\tabc123def456");
  });
  test("--add-host host:ip lines come as ip<TAB>host", () => {
    const out = containerHosts("h", ["db:10.0.0.5", "v6:fd00::2", "bogus"]);
    assert.match(out, /^10\.0\.0\.5\tdb$/m);
    assert.match(out, /^fd00::2\tv6$/m);
    assert.doesNotMatch(out, /bogus/);
  });
  test("no hostname line for an empty hostname", () => {
    assert.doesNotMatch(containerHosts(""), /127\.0\.1\.1/);
  });
});

test("etcFilePaths live in the container's directory", () => {
  assert.deepEqual(etcFilePaths("/var/lib/berth/containers/x"), {
    hostnamePath: "/var/lib/berth/containers/x/hostname",
    hostsPath: "/var/lib/berth/containers/x/hosts",
    resolvConfPath: "/var/lib/berth/containers/x/resolv.conf",
  });
});
