import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "../../errors/index.js";
import type { ContainerRecord } from "../containers/types.js";
import { matchesLabelFilters, parseUntil, pruneContainers } from "./prune.js";

test("until: unix seconds, Go durations, RFC 3339", () => {
  assert.equal(parseUntil("100"), 100_000);
  assert.equal(parseUntil("1h30m", 10_000_000), 10_000_000 - 5_400_000);
  assert.equal(parseUntil("2024-01-01T00:00:00Z"), Date.UTC(2024, 0, 1));
  assert.throws(() => parseUntil("soon"), InvalidArgumentError);
});

test("label and label!", () => {
  const l = { env: "prod", keep: "" };
  assert.ok(matchesLabelFilters(l, { label: ["env=prod"] }));
  assert.ok(!matchesLabelFilters(l, { label: ["env=dev"] }));
  assert.ok(!matchesLabelFilters(l, { "label!": ["keep"] }));
  assert.ok(matchesLabelFilters(l, { "label!": ["env=dev"] }));
});

test("container prune never touches running containers and sums writable layers", async () => {
  const mk = (id: string, status: string, labels: Record<string, string> = {}) =>
    ({ id, created: "2020-01-01T00:00:00Z", state: { status }, config: { labels } }) as unknown as ContainerRecord;
  const recs = [mk("a", "running"), mk("b", "exited"), mk("c", "created", { keep: "1" }), mk("d", "paused")];
  const removed: string[] = [];
  const svc = { list: () => recs, remove: async (id: string) => void removed.push(id), sizes: async () => ({ sizeRw: 10, sizeRootFs: 20 }) };
  const r = await pruneContainers(svc, { "label!": ["keep"] });
  assert.deepEqual(r, { deleted: ["b"], spaceReclaimed: 10 });
  assert.deepEqual(removed, ["b"]);
  await assert.rejects(pruneContainers(svc, { bogus: ["x"] }), InvalidArgumentError);
});
