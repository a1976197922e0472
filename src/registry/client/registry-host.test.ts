import { test } from "node:test";
import assert from "node:assert/strict";
import { domainOfServerAddress, isListedInsecure, resolveEndpoint } from "./registry-host.js";

test("loopback registries are plain HTTP, others HTTPS", () => {
  assert.deepEqual(resolveEndpoint("127.0.0.1:5000").bases, ["http://127.0.0.1:5000"]);
  assert.deepEqual(resolveEndpoint("127.8.0.1").bases, ["http://127.8.0.1"]);
  assert.deepEqual(resolveEndpoint("localhost:5000").bases, ["http://localhost:5000"]);
  assert.deepEqual(resolveEndpoint("[::1]:5000").bases, ["http://[::1]:5000"]);
  assert.deepEqual(resolveEndpoint("ghcr.io").bases, ["https://ghcr.io"]);
  assert.deepEqual(resolveEndpoint("docker.io").bases, ["https://registry-1.docker.io"]);
});

test("listed insecure registries fall back to HTTP", () => {
  assert.deepEqual(resolveEndpoint("reg.lan:5000", ["reg.lan:5000"]).bases, ["https://reg.lan:5000", "http://reg.lan:5000"]);
  assert.deepEqual(resolveEndpoint("10.1.2.3:5000", ["10.0.0.0/8"]).bases, ["https://10.1.2.3:5000", "http://10.1.2.3:5000"]);
  assert.deepEqual(resolveEndpoint("11.1.2.3:5000", ["10.0.0.0/8"]).bases, ["https://11.1.2.3:5000"]);
});

test("insecure classification: host[:port] entries match exactly, CIDRs match IPv4 hosts on any port", () => {
  const list = ["reg.lan:5000", "plain.lan", "192.168.0.0/16", "10.1.2.3/32"];
  assert.equal(isListedInsecure("reg.lan:5000", list), true);
  assert.equal(isListedInsecure("reg.lan:5001", list), false);
  assert.equal(isListedInsecure("reg.lan", list), false);
  assert.equal(isListedInsecure("plain.lan", list), true);
  assert.equal(isListedInsecure("plain.lan:5000", list), false);
  assert.equal(isListedInsecure("192.168.44.7:5000", list), true);
  assert.equal(isListedInsecure("192.168.44.7", list), true);
  assert.equal(isListedInsecure("192.169.0.1:5000", list), false);
  assert.equal(isListedInsecure("10.1.2.3:80", list), true);
  assert.equal(isListedInsecure("10.1.2.4:80", list), false);
  assert.equal(isListedInsecure("192.168.reg.lan", list), false);
  assert.equal(isListedInsecure("0.0.0.1", ["0.0.0.0/0"]), true);
  assert.equal(isListedInsecure("ghcr.io", []), false);
  // not listed: HTTPS only; listed: HTTPS then HTTP; loopback stays HTTP only
  assert.deepEqual(resolveEndpoint("192.168.1.1:5000", list).bases, ["https://192.168.1.1:5000", "http://192.168.1.1:5000"]);
  assert.deepEqual(resolveEndpoint("172.16.1.1:5000", list).bases, ["https://172.16.1.1:5000"]);
  assert.deepEqual(resolveEndpoint("127.0.0.1:5000", list).bases, ["http://127.0.0.1:5000"]);
});

test("server addresses map to domains", () => {
  assert.equal(domainOfServerAddress("https://index.docker.io/v1/"), "docker.io");
  assert.equal(domainOfServerAddress("127.0.0.1:5000"), "127.0.0.1:5000");
  assert.equal(domainOfServerAddress("http://localhost:5000/v2/"), "localhost:5000");
});
