import assert from "node:assert/strict";
import { test } from "node:test";
import { ConflictError, InvalidArgumentError } from "../../errors/index.js";
import type { HostConfigSpec } from "../containers/types.js";
import { mergeUpdate } from "./update-container.js";

const base = { memory: 0, memorySwap: 0, nanoCpus: 0, cpuShares: 0, cpuQuota: 0, cpuPeriod: 0, pidsLimit: 0, autoRemove: false, restartPolicy: { name: "no", maximumRetryCount: 0 } } as unknown as HostConfigSpec;

test("zeros keep values; given fields change", () => {
  const a = mergeUpdate({ ...base, cpuShares: 512 }, { memory: 64 << 20, memorySwap: 128 << 20, cpuShares: 0 });
  assert.equal(a.memory, 64 << 20);
  assert.equal(a.memorySwap, 128 << 20);
  assert.equal(a.cpuShares, 512);
});

test("pids: present sets, -1 is unlimited", () => {
  assert.equal(mergeUpdate(base, { pidsLimit: 20 }).pidsLimit, 20);
  assert.equal(mergeUpdate({ ...base, pidsLimit: 20 }, { pidsLimit: -1 }).pidsLimit, 0);
  assert.equal(mergeUpdate({ ...base, pidsLimit: 20 }, {}).pidsLimit, 20);
});

test("Docker's refusals", () => {
  assert.throws(() => mergeUpdate({ ...base, memory: 64 << 20, memorySwap: 128 << 20 }, { memory: 256 << 20 }), ConflictError);
  assert.throws(() => mergeUpdate({ ...base, nanoCpus: 1e9 }, { cpuQuota: 50000 }), ConflictError);
  assert.throws(() => mergeUpdate({ ...base, autoRemove: true }, { restartPolicy: { name: "always", maximumRetryCount: 0 } }), InvalidArgumentError);
  assert.equal(mergeUpdate(base, { restartPolicy: { name: "on-failure", maximumRetryCount: 3 } }).restartPolicy.maximumRetryCount, 3);
});
