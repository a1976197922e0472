import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors/index.js";
import { Query } from "./http-io.js";

const q = (s: string) => new Query(new URLSearchParams(s));

describe("Query.bool", () => {
  const table: Array<[string, boolean]> = [
    ["1", true],
    ["true", true],
    ["True", true],
    ["0", false],
    ["false", false],
    ["", false],
  ];
  for (const [v, want] of table) {
    test(`${JSON.stringify(v)} → ${want}`, () => assert.equal(q(`force=${v}`).bool("force"), want));
  }
  test("an absent parameter is the default", () => {
    assert.equal(q("").bool("force"), false);
    assert.equal(q("").bool("stdout", true), true);
  });
  test("present-but-empty overrides a true default", () => {
    assert.equal(q("stdout=").bool("stdout", true), false);
  });
});

describe("Query.int", () => {
  test("parses integers, absent or empty is undefined", () => {
    assert.equal(q("t=10").int("t"), 10);
    assert.equal(q("t=-1").int("t"), -1);
    assert.equal(q("").int("t"), undefined);
    assert.equal(q("t=").int("t"), undefined);
  });
  for (const v of ["abc", "1.5", "1e3", "99999999999999999999"]) {
    test(`rejects ${v}`, () => assert.throws(() => q(`t=${v}`).int("t"), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes("t")));
  }
});

describe("Query.filters", () => {
  const f = (v: string) => q(`filters=${encodeURIComponent(v)}`).filters();
  test("{key: [values]}", () => {
    assert.deepEqual(f('{"label":["a=b"]}'), { label: ["a=b"] });
    assert.deepEqual(f('{"label":["a=b","c"],"status":["running"]}'), { label: ["a=b", "c"], status: ["running"] });
  });
  test("the legacy {key: {value: true}} form", () => {
    assert.deepEqual(f('{"label":{"a=b":true}}'), { label: ["a=b"] });
    assert.deepEqual(f('{"label":{"a=b":true,"x":false}}'), { label: ["a=b"] });
  });
  test("absent or empty is {}", () => {
    assert.deepEqual(q("").filters(), {});
    assert.deepEqual(q("filters=").filters(), {});
  });
  for (const garbage of ["{not json", "[1]", '"label"', "null", '{"label":"a=b"}', '{"label":3}']) {
    test(`garbage ${garbage} is a 400`, () => assert.throws(() => f(garbage), InvalidArgumentError));
  }
});
