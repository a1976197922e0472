import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFlatKeyed, parseNetDev, parsePids, parseProcCgroup, parseProcStat, parseSingleValue, parseSpaceList, parseV1Blkio, parseV2IoStat } from "./parse.js";

test("single values: numbers, and max/empty as no limit", () => {
  assert.equal(parseSingleValue("67108864\n"), 67108864);
  assert.equal(parseSingleValue("max\n"), undefined);
  assert.equal(parseSingleValue(""), undefined);
});

test("flat keyed files (memory.stat, cpu.stat)", () => {
  const s = parseFlatKeyed("cache 4096\nrss 8192\ntotal_inactive_file 12\n\nbogus line here\n");
  assert.deepEqual(s, { cache: 4096, rss: 8192, total_inactive_file: 12 });
  assert.deepEqual(parseFlatKeyed("usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n"), { usage_usec: 1500, user_usec: 1000, system_usec: 500 });
});

test("cpuacct.usage_percpu", () => {
  assert.deepEqual(parseSpaceList("67853402 50460275 \n"), [67853402, 50460275]);
  assert.deepEqual(parseSpaceList(""), []);
});

test("v1 blkio drops Total lines", () => {
  const e = parseV1Blkio("8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\nTotal 12288\n");
  assert.deepEqual(e, [
    { major: 8, minor: 0, op: "Read", value: 4096 },
    { major: 8, minor: 0, op: "Write", value: 8192 },
    { major: 8, minor: 0, op: "Sync", value: 0 },
  ]);
});

test("v2 io.stat splits bytes and operation counts", () => {
  const r = parseV2IoStat("259:0 rbytes=100 wbytes=200 rios=3 wios=4 dbytes=0 dios=0\n");
  assert.deepEqual(r.bytes, [
    { major: 259, minor: 0, op: "read", value: 100 },
    { major: 259, minor: 0, op: "write", value: 200 },
  ]);
  assert.deepEqual(r.ios.map((e) => e.value), [3, 4]);
});

test("/proc/stat: host CPU time in ns and online CPUs", () => {
  const r = parseProcStat("cpu  100 0 50 1000 10 0 0 5 0 0\ncpu0 50 0 25 500 5 0 0 0 0 0\ncpu1 50 0 25 500 5 0 0 0 0 0\nintr 1 2\n");
  assert.equal(r.systemNs, 1160 * 1e7);
  assert.equal(r.onlineCpus, 2);
});

test("/proc/<pid>/net/dev", () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     120       2    0    0    0     0          0         0      120       2    0    0    0     0       0          0
  eth0:     806       9    1    2    0     0          0         0       10       1    0    3    0     0       0          0
`;
  const r = parseNetDev(text);
  assert.deepEqual(Object.keys(r), ["lo", "eth0"]);
  assert.deepEqual(r["eth0"], { rx_bytes: 806, rx_packets: 9, rx_errors: 1, rx_dropped: 2, tx_bytes: 10, tx_packets: 1, tx_errors: 0, tx_dropped: 3 });
});

test("/proc/<pid>/cgroup on hybrid and unified hosts", () => {
  const r = parseProcCgroup("9:name=systemd:/\n4:memory:/berth/abc\n2:cpu,cpuacct:/berth/abc\n0::/\n");
  assert.equal(r["memory"], "/berth/abc");
  assert.equal(r["cpuacct"], "/berth/abc");
  assert.equal(r[""], "/");
  assert.deepEqual(parseProcCgroup("0::/berth/abc\n"), { "": "/berth/abc" });
});

test("cgroup.procs", () => {
  assert.deepEqual(parsePids("12\n34\n\n"), [12, 34]);
});
