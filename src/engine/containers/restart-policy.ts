/**
 * Restart policies as Docker applies them (docs: "Start containers
 * automatically"; moby restartmanager):
 *  - no: never.
 *  - always: after every exit, except one the user caused with stop/kill...
 *    via stop; after a daemon start even if the user had stopped it.
 *  - unless-stopped: like always, but a container the user stopped stays
 *    stopped, also across daemon starts.
 *  - on-failure[:N]: only after a non-zero exit, at most N times (0 = no limit).
 * Delays double from 100 ms per consecutive restart, up to one minute, and
 * start again from 100 ms once a run lasted 10 s.
 */
import type { HostConfigSpec } from "./types.js";

export interface ExitFacts {
  exitCode: number;
  stoppedByUser: boolean;
  restartCount: number;
  daemonStarting: boolean;
}

export function shouldRestart(policy: HostConfigSpec["restartPolicy"], f: ExitFacts): boolean {
  switch (policy.name) {
    case "always":
      return f.daemonStarting || !f.stoppedByUser;
    case "unless-stopped":
      return !f.stoppedByUser;
    case "on-failure":
      if (f.stoppedByUser || f.exitCode === 0) return false;
      return policy.maximumRetryCount <= 0 || f.restartCount < policy.maximumRetryCount;
    default:
      return false;
  }
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const STABLE_RUN_MS = 10_000;

/** Delay before the next restart; `previousDelayMs` is 0 for the first. */
export function nextDelay(previousDelayMs: number, lastRunMs: number): number {
  if (previousDelayMs === 0 || lastRunMs >= STABLE_RUN_MS) return FIRST_DELAY_MS;
  return Math.min(previousDelayMs * 2, MAX_DELAY_MS);
}
