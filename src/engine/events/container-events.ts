/**
 * Feeds the bus from the services' own emitters.
 *
 * Containers: ContainerService emits "event" with {type:"container", action,
 * id, exitCode?}. Docker's events name the container and its image in the
 * actor's attributes (plus the container's labels), so the record is looked
 * up when the event fires. A "destroy" fires after the record is deleted, so
 * the attributes of every container seen are remembered and used then (and
 * forgotten afterwards).
 *
 * Images: the image service emits nothing yet. `bridgeImageEvents` is the
 * hook: once it gets an `events` emitter sending {type:"image", action, id,
 * name?} ("pull", "tag", "untag", "delete", "import", "load", "save"), pass
 * it here and `docker events --filter type=image` works with no other change.
 */
import type { EventEmitter } from "node:events";
import type { ContainerRecord } from "../containers/types.js";
import type { EventBus } from "./event-bus.js";

export interface ContainerEventSource {
  readonly events: EventEmitter;
  find(ref: string): ContainerRecord | undefined;
  list(): ContainerRecord[];
}

interface ServiceEvent {
  type?: string;
  action?: string;
  id?: string;
  exitCode?: number;
  name?: string;
}

function containerAttributes(rec: ContainerRecord): Record<string, string> {
  return { ...rec.config.labels, image: rec.config.image, name: rec.name };
}

/** Subscribes the bus to the container service; returns the unsubscribe function. */
export function bridgeContainerEvents(svc: ContainerEventSource, bus: EventBus): () => void {
  const known = new Map<string, Record<string, string>>();
  for (const rec of svc.list()) known.set(rec.id, containerAttributes(rec));
  const onEvent = (ev: ServiceEvent) => {
    if (ev.type !== "container" || !ev.action || !ev.id) return;
    const rec = svc.find(ev.id);
    const attrs = rec ? containerAttributes(rec) : { ...(known.get(ev.id) ?? {}) };
    if (rec) known.set(ev.id, { ...attrs });
    if (ev.action === "die" && ev.exitCode !== undefined) attrs["exitCode"] = String(ev.exitCode);
    if (ev.action === "destroy") known.delete(ev.id);
    bus.publish({ type: "container", action: ev.action, actorId: ev.id, attributes: attrs });
  };
  svc.events.on("event", onEvent);
  return () => svc.events.off("event", onEvent);
}

/** The hook for image events (see the header); unused until the image service emits. */
export function bridgeImageEvents(emitter: EventEmitter, bus: EventBus): () => void {
  const onEvent = (ev: ServiceEvent) => {
    if (ev.type !== "image" || !ev.action || !ev.id) return;
    bus.publish({ type: "image", action: ev.action, actorId: ev.id, attributes: ev.name ? { name: ev.name } : {} });
  };
  emitter.on("event", onEvent);
  return () => emitter.off("event", onEvent);
}
