/**
 * The container state machine: every state change goes through these
 * functions so an illegal transition throws instead of being written.
 */
import { ConflictError, NotModifiedError } from "../../errors/index.js";
import type { ContainerRecord, ContainerState } from "./types.js";

export const ZERO_TIME = "0001-01-01T00:00:00Z";

export function isRunning(s: ContainerState): s is Extract<ContainerState, { status: "running" | "paused" }> {
  return s.status === "running" || s.status === "paused";
}

export function toRunning(rec: ContainerRecord, pid: number, startedAt: string): ContainerState {
  if (isRunning(rec.state)) throw new NotModifiedError(`container ${rec.id} is already running`);
  return { status: "running", pid, startedAt };
}

export function toExited(rec: ContainerRecord, exit: { exitCode: number; finishedAt: string; oomKilled: boolean; error?: string }): ContainerState {
  const startedAt = "startedAt" in rec.state ? rec.state.startedAt : ZERO_TIME;
  return { status: "exited", exitCode: exit.exitCode, startedAt, finishedAt: exit.finishedAt, oomKilled: exit.oomKilled, error: exit.error ?? "" };
}

export function toPaused(rec: ContainerRecord): ContainerState {
  if (rec.state.status === "paused") throw new ConflictError(`Container ${rec.id} is already paused`);
  if (rec.state.status !== "running") throw new ConflictError(`Container ${rec.id} is not running`);
  return { status: "paused", pid: rec.state.pid, startedAt: rec.state.startedAt };
}

export function toUnpaused(rec: ContainerRecord): ContainerState {
  if (rec.state.status !== "paused") throw new ConflictError(`Container ${rec.id} is not paused`);
  return { status: "running", pid: rec.state.pid, startedAt: rec.state.startedAt };
}

/** Docker's Status string for ps: "Up 3 seconds", "Exited (0) 5 seconds ago", "Created". */
export function humanStatus(s: ContainerState, now = Date.now()): string {
  switch (s.status) {
    case "created":
      return "Created";
    case "running":
      return `Up ${humanDuration(now - Date.parse(s.startedAt))}`;
    case "paused":
      return `Up ${humanDuration(now - Date.parse(s.startedAt))} (Paused)`;
    case "exited":
      return `Exited (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
    case "dead":
      return "Dead";
  }
}

/** Go's units.HumanDuration, as the docker CLI and daemon print it. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return "Less than a second";
  if (s === 1) return "1 second";
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return "About a minute";
  if (m < 60) return `${m} minutes`;
  const h = Math.round(m / 60);
  if (h === 1) return "About an hour";
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  // Go counts years from the truncated hours (int(d.Hours())/24/365), not the rounded ones above
  return `${Math.floor(Math.floor(ms / 3_600_000) / 24 / 365)} years`;
}
