import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors/index.js";
import { compareVersions, MAX_API_VERSION, MIN_API_VERSION, splitVersion } from "./version.js";

describe("splitVersion", () => {
  test("strips a /v1.41 prefix", () => {
    assert.deepEqual(splitVersion("/v1.41/containers/json"), { version: "1.41", path: "/containers/json" });
  });

  test("no prefix means the newest version (1.43)", () => {
    assert.equal(MAX_API_VERSION, "1.43");
    assert.deepEqual(splitVersion("/containers/json"), { version: "1.43", path: "/containers/json" });
  });

  test("the newest version itself is accepted", () => {
    assert.deepEqual(splitVersion("/v1.43/_ping"), { version: "1.43", path: "/_ping" });
  });

  test("the oldest supported version is accepted", () => {
    assert.deepEqual(splitVersion(`/v${MIN_API_VERSION}/version`), { version: MIN_API_VERSION, path: "/version" });
  });

  test("a bare version prefix maps to /", () => {
    assert.deepEqual(splitVersion("/v1.41"), { version: "1.41", path: "/" });
  });

  test("too new is a 400 with Docker's wording", () => {
    assert.throws(
      () => splitVersion("/v1.99/version"),
      (e: unknown) => e instanceof InvalidArgumentError && e.message === "client version 1.99 is too new. Maximum supported API version is 1.43",
    );
  });

  test("too old is a 400 naming the minimum", () => {
    assert.throws(
      () => splitVersion("/v1.12/x"),
      (e: unknown) => e instanceof InvalidArgumentError && /^client version 1\.12 is too old\. Minimum supported API version is 1\.24/.test(e.message),
    );
  });

  test("a malformed version prefix is rejected", () => {
    assert.throws(() => splitVersion("/v1/containers/json"), InvalidArgumentError);
  });

  test("paths that merely start with v are not versions", () => {
    assert.deepEqual(splitVersion("/version"), { version: "1.43", path: "/version" });
    assert.deepEqual(splitVersion("/volumes"), { version: "1.43", path: "/volumes" });
  });
});

describe("compareVersions", () => {
  test("compares numerically, not lexically", () => {
    assert.equal(compareVersions("1.41", "1.43"), -1);
    assert.equal(compareVersions("1.43", "1.41"), 1);
    assert.equal(compareVersions("1.43", "1.43"), 0);
    assert.equal(compareVersions("1.9", "1.10"), -1);
    assert.equal(compareVersions("2.0", "1.99"), 1);
    assert.equal(compareVersions("1.40", "1.40.0"), 0);
  });
});
