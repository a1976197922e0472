import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import type { ExecProcess } from "../../runtime/runtime-driver.js";
import { mergeHealthcheck, parseHealthcheck, probeArgv } from "./health-config.js";
import { goDuration, healthOf, HealthMonitor } from "./health-monitor.js";
import type { ContainerRecord } from "./types.js";

function fakeProc(code: number, output: string): ExecProcess {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.end(output);
  stderr.end();
  return { pid: 1, stdin: new PassThrough(), stdout, stderr, exited: new Promise((r) => setTimeout(() => r(code), 5)), kill: () => {} };
}

function rec(id: string, labels: Record<string, string> = {}): ContainerRecord {
  return {
    id,
    state: { status: "running", pid: 1, startedAt: new Date().toISOString() },
    config: { labels, healthcheck: { test: ["CMD", "check"], interval: 10e6, timeout: 1e9, startPeriod: 0, startInterval: 0, retries: 2 } },
  } as unknown as ContainerRecord;
}

test("starting → unhealthy after Retries failures → healthy; events on change only; log capped at 5", async () => {
  const codes = [1, 1, 1, 1, 1, 1, 0, 0];
  const events: string[] = [];
  const r = rec("c1");
  const m = new HealthMonitor({
    find: () => r,
    exec: async () => fakeProc(codes.shift() ?? 0, "x".repeat(5000)),
    emit: (e) => events.push(e.action),
    restart: async () => {},
  });
  m.start(r);
  assert.equal(healthOf("c1")?.status, "starting");
  while (codes.length) await new Promise((res) => setTimeout(res, 10));
  await new Promise((res) => setTimeout(res, 60));
  m.stop("c1");
  const h = healthOf("c1")!;
  assert.equal(h.status, "healthy");
  assert.equal(h.failingStreak, 0);
  assert.equal(h.log.length, 5);
  assert.equal(h.log[0]!.output.length, 4096);
  assert.deepEqual(events, ["health_status: unhealthy", "health_status: healthy"]);
  m.forget("c1");
  assert.equal(healthOf("c1"), undefined);
});

test("failures inside StartPeriod do not count; the restart label restarts an unhealthy container", async () => {
  const r = rec("c2", { "berth.health.restart": "true" });
  r.config.healthcheck!.startPeriod = 60e9;
  r.config.healthcheck!.startInterval = 10e6;
  let restarts = 0;
  const m = new HealthMonitor({ find: () => r, exec: async () => fakeProc(1, ""), emit: () => {}, restart: async () => void restarts++ });
  m.start(r);
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(healthOf("c2")?.status, "starting");
  assert.equal(healthOf("c2")?.failingStreak, 0);
  m.stop("c2");
  r.config.healthcheck!.startPeriod = 0;
  m.start(r);
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(healthOf("c2")?.status, "unhealthy");
  assert.equal(restarts, 1);
  m.forget("c2");
});

test("config: parse, validate, merge with the image's, probe argv", () => {
  assert.deepEqual(parseHealthcheck({ Test: ["CMD-SHELL", "true"], Interval: 2e9 }), { test: ["CMD-SHELL", "true"], interval: 2e9, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 });
  assert.throws(() => parseHealthcheck({ Test: ["CMD", "x"], Interval: 5 }), /less than 1ms/);
  assert.throws(() => parseHealthcheck({ Test: ["CMD", "x"], Retries: -1 }), /negative/);
  assert.throws(() => parseHealthcheck({ Test: ["WAT"] }), /unknown Healthcheck type/);
  const image = parseHealthcheck({ Test: ["CMD", "img"], Interval: 3e9, Retries: 4 });
  assert.deepEqual(mergeHealthcheck(undefined, image)?.test, ["CMD", "img"]);
  const m = mergeHealthcheck(parseHealthcheck({ Test: [], Interval: 1e9 }), image)!;
  assert.deepEqual([m.test, m.interval, m.retries], [["CMD", "img"], 1e9, 4]);
  assert.equal(probeArgv(mergeHealthcheck(parseHealthcheck({ Test: ["NONE"] }), image)), undefined);
  assert.deepEqual(probeArgv(parseHealthcheck({ Test: ["CMD-SHELL", "test -f /x"] })), ["/bin/sh", "-c", "test -f /x"]);
  assert.equal(goDuration(200e6), "200ms");
  assert.equal(goDuration(30e9), "30s");
  assert.equal(goDuration(90e9), "1m30s");
});
