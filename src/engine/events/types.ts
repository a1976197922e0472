/**
 * Engine events: what happened to which object, when. The bus (event-bus.ts)
 * records them; api/routes/events.ts translates them to Docker's wire shape
 * (Type/Action/Actor plus the legacy status/id/from for containers and images,
 * see reference/docker-transcripts/09-events.txt).
 *
 * Terms: *type* is the object kind ("container", "image", "network",
 * "volume"); *action* the verb ("create", "start", "die", "destroy", "pull",
 * "tag", "delete", …); *actor* the object's ID plus string attributes (for
 * containers: name, image, exitCode on die, and the container's labels, as
 * Docker includes them). *timeNano* is wall-clock nanoseconds since the epoch,
 * a bigint because it does not fit a double; it is strictly increasing within
 * one daemon so that since/until and ordering agree.
 */
export type EventType = "container" | "image" | "network" | "volume" | "daemon";

export interface EngineEvent {
  type: EventType;
  action: string;
  actorId: string;
  attributes: Record<string, string>;
  timeNano: bigint;
}

/** What a producer hands to the bus; the bus stamps the time. */
export type EventInput = Omit<EngineEvent, "timeNano">;
