/**
 * Volume events on the bus, as Docker sends them: type "volume", the
 * volume's name as the actor ID, and the attributes the volume service
 * gives (driver; container, destination, read/write and propagation on
 * mount; container on unmount).
 */
import type { EventEmitter } from "node:events";
import type { EventBus } from "./event-bus.js";

interface VolumeServiceEvent {
  type?: string;
  action?: string;
  id?: string;
  attributes?: Record<string, string>;
}

/** Subscribes the bus to the volume service; returns the unsubscribe function. */
export function bridgeVolumeEvents(source: { readonly events: EventEmitter }, bus: EventBus): () => void {
  const onEvent = (ev: VolumeServiceEvent) => {
    if (ev.type !== "volume" || !ev.action || !ev.id) return;
    bus.publish({ type: "volume", action: ev.action, actorId: ev.id, attributes: { ...(ev.attributes ?? {}) } });
  };
  source.events.on("event", onEvent);
  return () => source.events.off("event", onEvent);
}
