import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import { generateName, newContainerId, parseContainerName } from "./naming.js";

describe("parseContainerName", () => {
  test('"/web" and "web" are the same name', () => {
    assert.equal(parseContainerName("/web"), "web");
    assert.equal(parseContainerName("web"), "web");
  });
  for (const ok of ["my-app_1.v2", "0abc", "A9"]) {
    test(`accepts ${ok}`, () => assert.equal(parseContainerName(ok), ok));
  }
  for (const bad of ["../x", "a", "/a", "", "/", "my app", " web", "web ", "-web", ".web", "_web", "a/b", "web:1", "x".repeat(254)]) {
    test(`rejects ${JSON.stringify(bad.length > 20 ? bad.slice(0, 10) + "…" : bad)}`, () => {
      assert.throws(() => parseContainerName(bad), (e: unknown) => e instanceof InvalidArgumentError && e.message.startsWith("Invalid container name ("));
    });
  }
});

describe("generateName", () => {
  test("adjective_surname, valid as a container name", () => {
    const n = generateName(() => false);
    assert.match(n, /^[a-z]+_[a-z]+$/);
    assert.equal(parseContainerName(n), n);
  });
  test("never returns a taken name", () => {
    const taken = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const n = generateName((x) => taken.has(x));
      assert.ok(!taken.has(n), `${n} was returned twice`);
      taken.add(n);
    }
  });
  test("when every plain name is taken it adds a number", () => {
    const n = generateName((x) => /^[a-z]+_[a-z]+$/.test(x));
    assert.match(n, /^[a-z]+_[a-z]+\d+$/);
  });
});

describe("newContainerId", () => {
  test("64 lowercase hex characters, unique", () => {
    const a = newContainerId();
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, newContainerId());
  });
});
