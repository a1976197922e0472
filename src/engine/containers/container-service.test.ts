import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import { validateSignal } from "./container-service.js";

describe("validateSignal", () => {
  for (const ok of ["SIGTERM", "TERM", "term", "SIGKILL", "KILL", "9", "1", "64", "SIGRTMIN", "SIGRTMIN+3", "RTMAX-2", "SIGWINCH", "SIGUSR1"]) {
    test(`accepts ${ok}`, () => assert.doesNotThrow(() => validateSignal(ok)));
  }
  test("accepts a number", () => assert.doesNotThrow(() => validateSignal(15)));
  for (const bad of ["SIGNOPE", "NOPE", "0", "65", "-1", "", "SIG", "9x", "SIGTERM "]) {
    test(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => validateSignal(bad), (e: unknown) => e instanceof InvalidArgumentError && e.message === `Invalid signal: ${bad}`);
    });
  }
  test("rejects numbers out of range", () => {
    assert.throws(() => validateSignal(0), InvalidArgumentError);
    assert.throws(() => validateSignal(65), InvalidArgumentError);
    assert.throws(() => validateSignal(1.5), InvalidArgumentError);
  });
});
