import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "../errors/index.js";
import { updateArgs } from "./update-resources.js";

const cli = { path: "/usr/sbin/runc", root: "/run/berth/runtime/runc" };

test("memory and swap, as docker update --memory 64m --memory-swap 128m", () => {
  assert.deepEqual(updateArgs(cli, "c1", { memory: 64 << 20, memorySwap: 128 << 20 }, { swapSupported: true }), [
    "/usr/sbin/runc", "--root", "/run/berth/runtime/runc", "update", "--memory", "67108864", "--memory-swap", "134217728", "c1",
  ]);
});

test("NanoCpus become period/quota; shares and pids pass through", () => {
  const a = updateArgs(cli, "c1", { nanoCpus: 500_000_000, cpuShares: 512, pidsLimit: 20 }, { swapSupported: true });
  assert.deepEqual(a.slice(3), ["update", "--cpu-period", "100000", "--cpu-quota", "50000", "--cpu-share", "512", "--pids-limit", "20", "c1"]);
});

test("no swap flag where the host cannot account swap; invalid limits are rejected", () => {
  assert.deepEqual(updateArgs(cli, "c1", { memory: 64 << 20 }, { swapSupported: false }).slice(3), ["update", "--memory", "67108864", "c1"]);
  assert.throws(() => updateArgs(cli, "c1", { memory: 1024 }, { swapSupported: true }), InvalidArgumentError);
  assert.throws(() => updateArgs(cli, "c1", { memory: 64 << 20, memorySwap: 32 << 20 }, { swapSupported: true }), InvalidArgumentError);
});
