/** The events concept: an in-process bus, its producers' bridges, and the filters GET /events applies. */
export { EventBus, type EventListener } from "./event-bus.js";
export { bridgeContainerEvents, bridgeImageEvents, type ContainerEventSource } from "./container-events.js";
export { bridgeVolumeEvents } from "./volume-events.js";
export { inTimeRange, matchesEvent, parseEventTime, validateEventFilters, type EventFilters } from "./event-filter.js";
export type { EngineEvent, EventInput, EventType } from "./types.js";
