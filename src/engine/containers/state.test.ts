import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { humanDuration, humanStatus } from "./state.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("humanDuration (Go's units.HumanDuration)", () => {
  const table: Array<[number, string]> = [
    [0, "Less than a second"],
    [999, "Less than a second"],
    [-5 * S, "Less than a second"],
    [1 * S, "1 second"],
    [1999, "1 second"],
    [2 * S, "2 seconds"],
    [59 * S, "59 seconds"],
    [60 * S, "About a minute"],
    [119 * S, "About a minute"],
    [2 * M, "2 minutes"],
    [59 * M, "59 minutes"],
    [60 * M, "About an hour"],
    [89 * M, "About an hour"],
    [90 * M, "2 hours"],
    [47 * H, "47 hours"],
    [48 * H, "2 days"],
    [13 * D, "13 days"],
    [14 * D, "2 weeks"],
    [59 * D, "8 weeks"],
    [60 * D, "2 months"],
    [729 * D, "24 months"],
    [730 * D, "2 years"],
    [3650 * D, "10 years"],
    // Go rounds hours for the comparisons but truncates them for the year count
    [2 * 365 * D - 0.4 * H, "1 years"],
  ];
  for (const [ms, want] of table) {
    test(`${ms} ms → ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe("humanStatus", () => {
  const now = Date.parse("2026-11-27T10:00:00Z");
  const ago = (ms: number) => new Date(now - ms).toISOString();
  test("Created", () => assert.equal(humanStatus({ status: "created" }, now), "Created"));
  test("Up", () => assert.equal(humanStatus({ status: "running", pid: 1, startedAt: ago(3 * S) }, now), "Up 3 seconds"));
  test("Up (Paused)", () => assert.equal(humanStatus({ status: "paused", pid: 1, startedAt: ago(5 * M) }, now), "Up 5 minutes (Paused)"));
  test("Exited", () =>
    assert.equal(humanStatus({ status: "exited", exitCode: 137, startedAt: ago(H), finishedAt: ago(10 * S), oomKilled: false, error: "" }, now), "Exited (137) 10 seconds ago"));
  test("Dead", () => assert.equal(humanStatus({ status: "dead", exitCode: 1, startedAt: ago(H), finishedAt: ago(H), error: "x" }, now), "Dead"));
});
