import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoDuration, toApiTimestamp } from "./timestamp.js";

test("Go durations", () => {
  assert.equal(parseGoDuration("42m"), 42 * 60_000);
  assert.equal(parseGoDuration("1h30m"), 90 * 60_000);
  assert.equal(parseGoDuration("1.5s"), 1500);
  assert.equal(parseGoDuration("10"), undefined);
  assert.equal(parseGoDuration("5x"), undefined);
  assert.equal(parseGoDuration(""), undefined);
});

test("--since values become unix timestamps", () => {
  const now = Date.parse("2026-11-27T12:00:00Z");
  assert.equal(toApiTimestamp("10m", now), String((now - 600_000) / 1000) + ".000000000");
  assert.equal(toApiTimestamp("1700000000"), "1700000000");
  assert.equal(toApiTimestamp("1700000000.25"), "1700000000.25");
  assert.equal(toApiTimestamp("2026-11-27T10:00:00Z"), (Date.parse("2026-11-27T10:00:00Z") / 1000).toFixed(9));
  assert.equal(toApiTimestamp("2026-11-27"), (Date.parse("2026-11-27T00:00:00Z") / 1000).toFixed(9));
  assert.throws(() => toApiTimestamp("yesterday"), /invalid value for timestamp/);
});
