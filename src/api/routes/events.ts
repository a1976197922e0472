/**
 * GET /events: the bus's events as Docker's JSON lines
 * (reference/docker-transcripts/09-events.txt).
 *
 * Wire shape: every event has Type, Action, Actor{ID, Attributes}, scope,
 * time (s) and timeNano (ns); container and image events also carry the
 * legacy status/id/from (network events do not). timeNano exceeds a double's
 * integer range, so it is spliced into the JSON text as a bigint literal.
 *
 * Lifecycle of one request, as moby's: with since and/or until, the recorded
 * backlog in that range comes first; then, unless until has already passed,
 * live events follow until `until` arrives or the client goes away. Headers
 * are flushed at once so `docker events` shows it is listening.
 */
import type { ServerResponse } from "node:http";
import { inTimeRange, matchesEvent, parseEventTime, validateEventFilters, type EngineEvent, type EventBus, type EventFilters } from "../../engine/events/index.js";
import type { Router } from "../router.js";

export interface EventRouteDeps {
  bus: EventBus;
}

/** One event as the docker CLI reads it. */
export function toApiEventJson(e: EngineEvent): string {
  const time = Number(e.timeNano / 1_000_000_000n);
  const legacy = e.type === "container" || e.type === "image";
  const body: Record<string, unknown> = legacy ? { status: e.action, id: e.actorId, ...(e.type === "container" && e.attributes["image"] !== undefined ? { from: e.attributes["image"] } : {}) } : {};
  Object.assign(body, { Type: e.type, Action: e.action, Actor: { ID: e.actorId, Attributes: e.attributes }, scope: "local", time });
  const json = JSON.stringify(body);
  return `${json.slice(0, -1)},"timeNano":${e.timeNano.toString()}}`;
}

function nowNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export function addEventRoutes(r: Router, deps: EventRouteDeps): void {
  r.add("GET", "/events", async (ctx) => {
    const since = parseEventTime(ctx.query.str("since"), "since");
    const until = parseEventTime(ctx.query.str("until"), "until");
    const filters: EventFilters = ctx.query.filters();
    validateEventFilters(filters);
    const res = ctx.res;
    const wanted = (e: EngineEvent) => inTimeRange(e, since, until) && matchesEvent(e, filters);

    res.writeHead(200, { "Content-Type": "application/json" });
    res.flushHeaders();
    const live: EngineEvent[] = [];
    let push: ((e: EngineEvent) => void) | undefined;
    const { backlog, unsubscribe } = deps.bus.subscribeWithBacklog((e) => (push ? push(e) : live.push(e)));
    try {
      if (since !== undefined || until !== undefined) for (const e of backlog) if (wanted(e)) write(res, e);
      if (until !== undefined && until <= nowNano()) return;
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          if (timer) clearTimeout(timer);
          push = () => {};
          ctx.signal.removeEventListener("abort", done);
          resolve();
        };
        push = (e) => {
          if (until !== undefined && e.timeNano > until) return done();
          if (wanted(e)) write(res, e);
        };
        if (until !== undefined) timer = setTimeout(done, Number((until - nowNano()) / 1_000_000n) + 1);
        if (ctx.signal.aborted) return done();
        for (const e of live.splice(0)) push(e);
        ctx.signal.addEventListener("abort", done);
      });
    } finally {
      unsubscribe();
      if (!res.writableEnded) res.end();
    }
  });
}

function write(res: ServerResponse, e: EngineEvent): void {
  if (!res.writableEnded && !res.destroyed) res.write(toApiEventJson(e) + "\n");
}
