/**
 * Phase timings for latency work: with BERTH_TRACE=1 in berthd's environment,
 * `trace("what")` writes "[trace 12345.6] what" (ms since the process began,
 * monotonic) to stderr. Off by default; when off a call is one boolean test.
 */
import { performance } from "node:perf_hooks";

export const tracing = process.env["BERTH_TRACE"] === "1";

export function trace(what: string): void {
  if (tracing) process.stderr.write(`[trace ${performance.now().toFixed(1)}] ${what}\n`);
}
