import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors/index.js";
import { familiarString, normalizeReference, parseReference, referenceString } from "./reference.js";

const D = "sha256:" + "a".repeat(64);

const valid: Array<[string, string, string]> = [
  // input, normalised (tag defaulted), familiar
  ["busybox", "docker.io/library/busybox:latest", "busybox:latest"],
  ["busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"],
  ["library/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
  ["docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
  ["index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
  ["user/x", "docker.io/user/x:latest", "user/x:latest"],
  ["user/x/y:v", "docker.io/user/x/y:v", "user/x/y:v"],
  ["localhost/x", "localhost/x:latest", "localhost/x:latest"],
  ["localhost:5000/x:1", "localhost:5000/x:1", "localhost:5000/x:1"],
  ["ghcr.io/o/r", "ghcr.io/o/r:latest", "ghcr.io/o/r:latest"],
  ["Registry.Example.com/a", "Registry.Example.com/a:latest", "Registry.Example.com/a:latest"],
  ["[::1]:5000/x:t", "[::1]:5000/x:t", "[::1]:5000/x:t"],
  ["a.b-c__d/e", "a.b-c__d/e:latest", "a.b-c__d/e:latest"],
  ["ab-c__d/e.f_g", "docker.io/ab-c__d/e.f_g:latest", "ab-c__d/e.f_g:latest"],
  [`busybox@${D}`, `docker.io/library/busybox@${D}`, `busybox@${D}`],
  [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`, `busybox:1@${D}`],
  [`localhost:5000/x@${D}`, `localhost:5000/x@${D}`, `localhost:5000/x@${D}`],
  ["x:" + "T".repeat(128), "docker.io/library/x:" + "T".repeat(128), "x:" + "T".repeat(128)],
  ["x:_a.b-c", "docker.io/library/x:_a.b-c", "x:_a.b-c"],
  ["sha256:abc", "docker.io/library/sha256:abc", "sha256:abc"],
  ["a---b", "docker.io/library/a---b:latest", "a---b:latest"],
];

for (const [input, normal, familiar] of valid) {
  test(`reference ${input}`, () => {
    const r = normalizeReference(input);
    assert.equal(referenceString(r), normal);
    assert.equal(familiarString(r), familiar);
  });
}

const invalid: Array<[string, RegExp]> = [
  ["", /invalid reference format/],
  ["Busybox", /^invalid reference format: repository name \(library\/Busybox\) must be lowercase$/],
  ["user/X", /repository name \(user\/X\) must be lowercase/],
  ["a".repeat(64), /cannot specify 64-byte hexadecimal strings/],
  ["busybox:", /^invalid reference format$/],
  [":tag", /^invalid reference format$/],
  ["busybox:-x", /^invalid reference format$/],
  ["x:" + "t".repeat(129), /^invalid reference format$/],
  ["busybox@sha256:abc", /^invalid reference format$/],
  ["busybox@sha256:" + "A".repeat(64), /^invalid reference format$/],
  [`busybox@md5:${"a".repeat(32)}`, /^invalid reference format$/],
  ["a//b", /^invalid reference format$/],
  ["a/b/", /^invalid reference format$/],
  ["/a", /^invalid reference format$/],
  ["a_-b", /^invalid reference format$/],
  ["-a", /^invalid reference format$/],
  ["a b", /^invalid reference format$/],
  ["../etc/passwd", /^invalid reference format$/],
  ["a\nb", /^invalid reference format$/],
  ["localhost:port/x", /^invalid reference format$/],
  ["x/" + "a".repeat(260), /must not be more than 255 characters/],
  ["a:b:c", /^invalid reference format$/],
];

for (const [input, message] of invalid) {
  test(`invalid reference ${JSON.stringify(input.slice(0, 40))}`, () => {
    assert.throws(() => parseReference(input), (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message));
  });
}

test("parseReference keeps the tag undefined; digest only", () => {
  const r = parseReference(`busybox@${D}`);
  assert.equal(r.tag, undefined);
  assert.equal(r.digest, D);
  assert.equal(parseReference("busybox").tag, undefined);
});

test("familiarString accepts strings", () => {
  assert.equal(familiarString("docker.io/library/busybox:latest"), "busybox:latest");
  assert.equal(familiarString("docker.io/user/busybox:1"), "user/busybox:1");
  assert.equal(familiarString("docker.io/library/a/b:1"), "library/a/b:1");
});
