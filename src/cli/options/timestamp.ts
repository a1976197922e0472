/**
 * `--since` / `--until` values as the docker CLI turns them into the API's
 * unix timestamps (docker/cli opts.GetTimestamp): a Go duration relative to
 * now ("42m", "1h30m", "10s"), a unix timestamp ("1700000000", "1700000000.5"),
 * or an RFC 3339 date/time ("2026-11-27T10:00:00Z", "2026-11-27").
 */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDuration(v: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v))) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === v.length && v.length > 0 ? total : undefined;
}

/** Returns the API's string form ("seconds.nanoseconds"), or throws a usage error. */
export function toApiTimestamp(value: string, nowMs = Date.now()): string {
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  const dur = parseGoDuration(value);
  if (dur !== undefined) return ((nowMs - dur) / 1000).toFixed(9);
  const t = Date.parse(/^\d{4}-\d\d-\d\d$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isNaN(t)) return (t / 1000).toFixed(9);
  throw new Error(`invalid value for timestamp: ${JSON.stringify(value)} (use a duration like 42m, a unix timestamp or an RFC 3339 time)`);
}
