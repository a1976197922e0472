/**
 * Health check configuration: Docker's `Healthcheck` object
 * ({Test, Interval, Timeout, StartPeriod, StartInterval, Retries}, durations
 * in nanoseconds) parsed, validated as the Docker daemon validates it
 * (daemon/container.go validateHealthCheck), and merged with the image's
 * HEALTHCHECK as Docker merges them (daemon/commit.go merge): a container
 * without a Healthcheck inherits the image's; an empty Test inherits the
 * image's test, zero durations/retries inherit the image's values. Test:
 *   []/[""]                 inherit
 *   ["NONE"]                disabled (docker run --no-healthcheck)
 *   ["CMD", arg...]         exec the args
 *   ["CMD-SHELL", "cmd"]    /bin/sh -c cmd
 */
import { InvalidArgumentError } from "../../errors/index.js";

export interface HealthConfig {
  test: string[];
  /** Nanoseconds; 0 = inherit / Docker's default. */
  interval: number;
  timeout: number;
  startPeriod: number;
  startInterval: number;
  retries: number;
}

export const DEFAULT_INTERVAL_NS = 30e9;
export const DEFAULT_TIMEOUT_NS = 30e9;
export const DEFAULT_START_INTERVAL_NS = 5e9;
export const DEFAULT_RETRIES = 3;
const MIN_NS = 1e6;

function dur(o: Record<string, unknown>, k: string): number {
  const v = o[k];
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new InvalidArgumentError(`invalid value for Healthcheck.${k}: expected an integer`);
  if (v !== 0 && v < MIN_NS) throw new InvalidArgumentError(`${k} in Healthcheck cannot be less than 1ms`);
  return v;
}

/** Docker's wire object → HealthConfig; null/absent → undefined. Throws InvalidArgumentError (400). */
export function parseHealthcheck(raw: unknown): HealthConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) throw new InvalidArgumentError("invalid value for Healthcheck: expected an object");
  const o = raw as Record<string, unknown>;
  const t = o["Test"];
  if (t !== undefined && t !== null && (!Array.isArray(t) || t.some((x) => typeof x !== "string"))) {
    throw new InvalidArgumentError("invalid value for Healthcheck.Test: expected a list of strings");
  }
  const test = ((t as string[] | null | undefined) ?? []).slice();
  if (test.length > 0 && test[0] !== "" && !["NONE", "CMD", "CMD-SHELL"].includes(test[0]!)) {
    throw new InvalidArgumentError(`unknown Healthcheck type '${test[0]}' (expected CMD, CMD-SHELL or NONE)`);
  }
  if ((test[0] === "CMD" || test[0] === "CMD-SHELL") && test.length < 2) throw new InvalidArgumentError(`Healthcheck ${test[0]} needs a command`);
  const retries = o["Retries"];
  if (retries !== undefined && retries !== null && (typeof retries !== "number" || !Number.isSafeInteger(retries))) {
    throw new InvalidArgumentError("invalid value for Healthcheck.Retries: expected an integer");
  }
  if (typeof retries === "number" && retries < 0) throw new InvalidArgumentError("Retries in Healthcheck cannot be negative");
  return {
    test,
    interval: dur(o, "Interval"),
    timeout: dur(o, "Timeout"),
    startPeriod: dur(o, "StartPeriod"),
    startInterval: dur(o, "StartInterval"),
    retries: typeof retries === "number" ? retries : 0,
  };
}

/** Image config's Healthcheck (already on disk; lenient: a malformed one is ignored). */
export function imageHealthcheck(raw: unknown): HealthConfig | undefined {
  try {
    return parseHealthcheck(raw);
  } catch {
    return undefined;
  }
}

export function mergeHealthcheck(user: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!user) return image ? { ...image } : undefined;
  if (!image) return { ...user };
  const inherit = user.test.length === 0 || (user.test.length === 1 && user.test[0] === "");
  return {
    test: inherit ? image.test : user.test,
    interval: user.interval || image.interval,
    timeout: user.timeout || image.timeout,
    startPeriod: user.startPeriod || image.startPeriod,
    startInterval: user.startInterval || image.startInterval,
    retries: user.retries || image.retries,
  };
}

/** The probe's argv, or undefined when health checks are off for this config. */
export function probeArgv(h: HealthConfig | undefined): string[] | undefined {
  if (!h || h.test.length === 0) return undefined;
  switch (h.test[0]) {
    case "CMD":
      return h.test.slice(1);
    case "CMD-SHELL":
      return ["/bin/sh", "-c", h.test.slice(1).join(" ")];
    default:
      return undefined;
  }
}

/** Docker's wire shape (zero values omitted, as Go's omitempty does). */
export function healthcheckToWire(h: HealthConfig | undefined): Record<string, unknown> | undefined {
  if (!h) return undefined;
  const o: Record<string, unknown> = { Test: h.test };
  if (h.interval) o["Interval"] = h.interval;
  if (h.timeout) o["Timeout"] = h.timeout;
  if (h.startPeriod) o["StartPeriod"] = h.startPeriod;
  if (h.startInterval) o["StartInterval"] = h.startInterval;
  if (h.retries) o["Retries"] = h.retries;
  return o;
}
