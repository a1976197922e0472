import assert from "node:assert/strict";
import { test } from "node:test";
import { contentDigestAlgorithm, newContentHasher } from "./content-digest.js";

function digestOf(...chunks: string[]): string {
  const h = newContentHasher();
  for (const c of chunks) h.update(Buffer.from(c));
  return h.digest();
}

test("BLAKE3 is in use on this platform and gives the published test vectors", () => {
  assert.equal(contentDigestAlgorithm(), "blake3", "the prebuilt @napi-rs/blake-hash for linux-x64 loads");
  // BLAKE3 reference vectors (github.com/BLAKE3-team/BLAKE3, test_vectors)
  assert.equal(digestOf(""), "blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
  assert.equal(digestOf("abc"), "blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");
});

test("the digest depends on the bytes only, not on how they were chunked", () => {
  const big = "x".repeat(200_000) + "y";
  assert.equal(digestOf(big), digestOf(big.slice(0, 1), big.slice(1, 65_537), big.slice(65_537)));
  assert.notEqual(digestOf(big), digestOf(big.slice(0, -1) + "z"), "one changed byte changes the digest");
});
