import assert from "node:assert/strict";
import { test } from "node:test";
import type { StatsResponse } from "../../client/index.js";
import { formatEventLine, rfc3339NanoFixed } from "./event-line.js";
import { bytesSize } from "./human.js";
import { renderRows } from "./output-format.js";
import { cpuPercent, memoryPercent, memoryUsage, STATS_DEFAULT_FORMAT, STATS_HEADERS, toStatsRow } from "./stats-rows.js";

// The sample docker answered in 05-exec-top-stats-cp-diff-commit-export.txt, trimmed.
const sample = (over: Partial<StatsResponse> = {}): StatsResponse => ({
  read: "2026-11-27T10:24:38.975354381Z",
  pids_stats: { current: 1 },
  cpu_stats: { cpu_usage: { total_usage: 2_000_000_000, percpu_usage: [1, 2] }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
  memory_stats: { usage: 1_000_000, limit: 25_328_000_000, stats: { inactive_file: 467_520 } },
  networks: { eth0: { rx_bytes: 806, tx_bytes: 0 } },
  blkio_stats: { io_service_bytes_recursive: [{ major: 8, minor: 0, op: "read", value: 4096 }, { major: 8, minor: 0, op: "write", value: 1000 }] },
  ...over,
});

test("CPU % is container delta / system delta × online CPUs × 100", () => {
  assert.equal(cpuPercent(sample()), 20);
  const idle = sample({ precpu_stats: sample().cpu_stats });
  assert.equal(cpuPercent(idle), 0);
  const noOnline = sample({ cpu_stats: { ...sample().cpu_stats, online_cpus: 0 } });
  assert.equal(cpuPercent(noOnline), 20, "falls back to the number of per-cpu counters");
});

test("memory excludes the inactive file cache (v2 inactive_file, v1 total_inactive_file)", () => {
  assert.equal(memoryUsage(sample()), 532_480);
  assert.equal(memoryUsage(sample({ memory_stats: { usage: 1000, limit: 2000, stats: { total_inactive_file: 400 } } })), 600);
  assert.equal(memoryUsage(sample({ memory_stats: { usage: 1000, limit: 2000, stats: { inactive_file: 5000 } } })), 1000);
  assert.equal(memoryPercent(sample({ memory_stats: { usage: 1000, limit: 2000 } })), 50);
  assert.equal(memoryPercent(sample({ memory_stats: { usage: 1000, limit: 0 } })), 0);
});

test("go-units BytesSize", () => {
  assert.equal(bytesSize(532_480), "520KiB");
  assert.equal(bytesSize(25_275_629_568), "23.54GiB");
  assert.equal(bytesSize(0), "0B");
});

test("the stats table has docker's columns and cell texts", () => {
  const row = toStatsRow(sample(), { container: "box", id: "3faa2d32ccc6fc652aa64bee6c7ea913", name: "/box" }, { truncate: true });
  const out = renderRows({ format: undefined, defaultFormat: STATS_DEFAULT_FORMAT, headers: STATS_HEADERS }, [row]);
  assert.equal(
    out,
    "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O     BLOCK I/O     PIDS\n" +
      "3faa2d32ccc6   box       20.00%    520KiB / 23.59GiB   0.00%     806B / 0B   4.1kB / 1kB   1\n",
  );
});

test("event lines: RFC3339 with nine fraction digits, sorted attributes", () => {
  const event = { Type: "container", Action: "die", Actor: { ID: "952fd6", Attributes: { name: "evt", image: "busybox:local", exitCode: "0" } }, time: 1795775105, timeNano: 0 };
  assert.equal(formatEventLine(event, 1795775105713066746n, 0), "2026-11-27T10:25:05.713066746Z container die 952fd6 (exitCode=0, image=busybox:local, name=evt)");
  assert.equal(rfc3339NanoFixed(1795775105000000001n, 60), "2026-11-27T11:25:05.000000001+01:00");
  assert.equal(formatEventLine({ ...event, Actor: { ID: "x" } }, 1795775105000000000n, 0), "2026-11-27T10:25:05.000000000Z container die x");
});
