import { test } from "node:test";
import assert from "node:assert/strict";
import { parseChallenges } from "./auth-challenge.js";

test("parses a bearer challenge with quoted params containing commas", () => {
  const c = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"');
  assert.deepEqual(c, [
    { scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/busybox:pull,push" } },
  ]);
});

test("parses basic and several challenges", () => {
  assert.deepEqual(parseChallenges('Basic realm="basic-realm"'), [{ scheme: "basic", params: { realm: "basic-realm" } }]);
  const c = parseChallenges('Basic realm="a", Bearer realm="b",service=s');
  assert.equal(c.length, 2);
  assert.equal(c[1]!.scheme, "bearer");
  assert.equal(c[1]!.params["service"], "s");
});

test("handles escapes and empty input", () => {
  assert.deepEqual(parseChallenges('Bearer realm="a\\"b"'), [{ scheme: "bearer", params: { realm: 'a"b' } }]);
  assert.deepEqual(parseChallenges(""), []);
  assert.deepEqual(parseChallenges(null), []);
});
