/**
 * The in-process event bus. Producers `publish`; the bus stamps the time,
 * keeps the last `capacity` events in a ring (Docker keeps a backlog in
 * memory too; nothing survives a daemon restart) and fans each event out to
 * live subscribers synchronously, in publish order.
 *
 * Reading the backlog and subscribing happen in the same tick
 * (`subscribeWithBacklog`), so a reader sees every event exactly once: no
 * event can be published between the two.
 */
import type { EngineEvent, EventInput } from "./types.js";

export type EventListener = (e: EngineEvent) => void;

export class EventBus {
  private readonly ring: EngineEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private lastNano = 0n;

  constructor(private readonly capacity = 1000) {}

  publish(input: EventInput): EngineEvent {
    const e: EngineEvent = { ...input, timeNano: this.nextTime() };
    this.ring.push(e);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        /* a failing subscriber (a closed socket) must not stop the others */
      }
    }
    return e;
  }

  /** The recorded events, oldest first. */
  backlog(): EngineEvent[] {
    return [...this.ring];
  }

  /** Returns the backlog and subscribes in one step; call the returned function to unsubscribe. */
  subscribeWithBacklog(l: EventListener): { backlog: EngineEvent[]; unsubscribe: () => void } {
    const backlog = this.backlog();
    this.listeners.add(l);
    return { backlog, unsubscribe: () => this.listeners.delete(l) };
  }

  /** Wall-clock ns, bumped by one when the clock has not moved (or moved back) since the last event. */
  private nextTime(): bigint {
    const [, ns] = process.hrtime();
    let t = BigInt(Date.now()) * 1_000_000n + BigInt(ns % 1_000_000);
    if (t <= this.lastNano) t = this.lastNano + 1n;
    this.lastNano = t;
    return t;
  }
}
