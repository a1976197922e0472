import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { InvalidArgumentError } from "../../errors/index.js";
import type { ContainerRecord } from "../containers/types.js";
import { bridgeContainerEvents } from "./container-events.js";
import { EventBus } from "./event-bus.js";
import { inTimeRange, matchesEvent, parseEventTime, validateEventFilters } from "./event-filter.js";
import type { EngineEvent } from "./types.js";

function ev(p: Partial<EngineEvent> = {}): EngineEvent {
  return { type: "container", action: "start", actorId: "abc123def456", attributes: { name: "web", image: "busybox:latest", tier: "front" }, timeNano: 5_000_000_000n, ...p };
}

test("type, event and action", () => {
  assert.ok(matchesEvent(ev(), { type: ["container"], event: ["start", "die"] }));
  assert.ok(!matchesEvent(ev(), { type: ["image"] }));
  assert.ok(!matchesEvent(ev(), { event: ["die"] }));
  assert.ok(matchesEvent(ev({ action: "exec_start: sh -c x" }), { event: ["exec_start"] }));
});

test("container by name or ID prefix; only container events", () => {
  assert.ok(matchesEvent(ev(), { container: ["web"] }));
  assert.ok(matchesEvent(ev(), { container: ["abc123"] }));
  assert.ok(matchesEvent(ev(), { container: ["nope", "web"] }));
  assert.ok(!matchesEvent(ev(), { container: ["other"] }));
  assert.ok(!matchesEvent(ev({ type: "image" }), { container: ["web"] }));
});

test("image with and without :latest; labels by key and key=value", () => {
  assert.ok(matchesEvent(ev(), { image: ["busybox"] }));
  assert.ok(matchesEvent(ev(), { image: ["busybox:latest"] }));
  assert.ok(!matchesEvent(ev(), { image: ["alpine"] }));
  assert.ok(matchesEvent(ev(), { label: ["tier"] }));
  assert.ok(matchesEvent(ev(), { label: ["tier=front"] }));
  assert.ok(!matchesEvent(ev(), { label: ["tier=back"] }));
});

test("unknown filter keys are rejected", () => {
  assert.throws(() => validateEventFilters({ bogus: ["x"] }), InvalidArgumentError);
  validateEventFilters({ type: ["container"], label: ["a"] });
});

test("since/until: integer and fractional seconds, inclusive", () => {
  assert.equal(parseEventTime("5", "since"), 5_000_000_000n);
  assert.equal(parseEventTime("5.25", "since"), 5_250_000_000n);
  assert.equal(parseEventTime("", "since"), undefined);
  assert.throws(() => parseEventTime("yesterday", "since"), InvalidArgumentError);
  assert.ok(inTimeRange(ev(), 5_000_000_000n, 5_000_000_000n));
  assert.ok(!inTimeRange(ev(), 5_000_000_001n, undefined));
  assert.ok(!inTimeRange(ev(), undefined, 4_999_999_999n));
});

test("bus: ring capacity, increasing times, backlog + subscribe", () => {
  const bus = new EventBus(3);
  for (let i = 0; i < 5; i++) bus.publish({ type: "container", action: String(i), actorId: "x", attributes: {} });
  const b = bus.backlog();
  assert.deepEqual(b.map((e) => e.action), ["2", "3", "4"]);
  assert.ok(b[0]!.timeNano < b[1]!.timeNano && b[1]!.timeNano < b[2]!.timeNano);
  const seen: string[] = [];
  const sub = bus.subscribeWithBacklog((e) => seen.push(e.action));
  bus.publish({ type: "container", action: "5", actorId: "x", attributes: {} });
  sub.unsubscribe();
  bus.publish({ type: "container", action: "6", actorId: "x", attributes: {} });
  assert.deepEqual(seen, ["5"]);
});

test("bridge: name, image and labels on every event; destroy uses the remembered record", () => {
  const records = new Map<string, ContainerRecord>();
  const rec = { id: "c1", name: "web", config: { image: "busybox", labels: { a: "b" } } } as unknown as ContainerRecord;
  const svc = { events: new EventEmitter(), find: (id: string) => records.get(id), list: () => [...records.values()] };
  const bus = new EventBus();
  bridgeContainerEvents(svc, bus);
  records.set("c1", rec);
  svc.events.emit("event", { type: "container", action: "create", id: "c1" });
  svc.events.emit("event", { type: "container", action: "die", id: "c1", exitCode: 3 });
  records.delete("c1");
  svc.events.emit("event", { type: "container", action: "destroy", id: "c1" });
  const got = bus.backlog();
  assert.deepEqual(got.map((e) => e.action), ["create", "die", "destroy"]);
  assert.deepEqual(got[1]!.attributes, { a: "b", image: "busybox", name: "web", exitCode: "3" });
  assert.deepEqual(got[2]!.attributes, { a: "b", image: "busybox", name: "web" });
});
