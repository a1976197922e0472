import assert from "node:assert/strict";
import { test } from "node:test";
import { nextDelay, shouldRestart } from "./restart-policy.js";

const facts = (o: Partial<Parameters<typeof shouldRestart>[1]> = {}) => ({ exitCode: 1, stoppedByUser: false, restartCount: 0, daemonStarting: false, ...o });

test("no never restarts", () => {
  assert.equal(shouldRestart({ name: "no", maximumRetryCount: 0 }, facts()), false);
  assert.equal(shouldRestart({ name: "", maximumRetryCount: 0 }, facts()), false);
});

test("always restarts unless the user stopped it, and at daemon start regardless", () => {
  const p = { name: "always" as const, maximumRetryCount: 0 };
  assert.equal(shouldRestart(p, facts({ exitCode: 0 })), true);
  assert.equal(shouldRestart(p, facts({ stoppedByUser: true })), false);
  assert.equal(shouldRestart(p, facts({ stoppedByUser: true, daemonStarting: true })), true);
});

test("unless-stopped keeps a user-stopped container stopped across daemon starts", () => {
  const p = { name: "unless-stopped" as const, maximumRetryCount: 0 };
  assert.equal(shouldRestart(p, facts()), true);
  assert.equal(shouldRestart(p, facts({ stoppedByUser: true, daemonStarting: true })), false);
});

test("on-failure restarts non-zero exits up to the limit", () => {
  const p = { name: "on-failure" as const, maximumRetryCount: 2 };
  assert.equal(shouldRestart(p, facts({ exitCode: 0 })), false);
  assert.equal(shouldRestart(p, facts({ restartCount: 1 })), true);
  assert.equal(shouldRestart(p, facts({ restartCount: 2 })), false);
  assert.equal(shouldRestart({ name: "on-failure", maximumRetryCount: 0 }, facts({ restartCount: 99 })), true);
});

test("delays double from 100 ms up to a minute and reset after a stable run", () => {
  assert.equal(nextDelay(0, 0), 100);
  assert.equal(nextDelay(100, 50), 200);
  assert.equal(nextDelay(200, 50), 400);
  assert.equal(nextDelay(40_000, 50), 60_000);
  assert.equal(nextDelay(60_000, 50), 60_000);
  assert.equal(nextDelay(6400, 11_000), 100);
});
