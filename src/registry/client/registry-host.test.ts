import { test } from "node:test";
import assert from "node:assert/strict";
import { domainOfServerAddress, resolveEndpoint } from "./registry-host.js";

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

test("server addresses map to domains", () => {
  assert.equal(domainOfServerAddress("https://index.docker.io/v1/"), "docker.io");
  assert.equal(domainOfServerAddress("127.0.0.1:5000"), "127.0.0.1:5000");
  assert.equal(domainOfServerAddress("http://localhost:5000/v2/"), "localhost:5000");
});
