/**
 * Human-readable sizes and durations, byte-for-byte like github.com/docker/go-units
 * (HumanSizeWithPrecision(size, 3) and HumanDuration), which is what `docker ps`
 * and `docker images` print: "1.98MB", "54.5MB", "5 minutes", "Less than a second".
 */

const DECIMAL_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/** Go's `%.3g`: three significant digits, trailing zeros dropped. */
function formatG3(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** go-units HumanSize: decimal (1000-based) units, 3 significant digits (4 for HumanSize proper, as `system df` prints). */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  return (precision === 3 ? formatG3(size) : String(Number(size.toPrecision(precision)))) + DECIMAL_UNITS[unit];
}

/** go-units HumanDuration, for "<x> ago" and "Up <x>". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** "2 minutes ago" from a unix-seconds timestamp. */
export function timeAgo(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}

const BINARY_UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

export class InvalidSizeError extends Error {}

/**
 * go-units RAMInBytes: "64m" → 67108864. Binary multiples, an optional
 * trailing "b"/"ib" and a space are accepted ("64 MiB", "1.5g").
 */
export function parseRamBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text.trim());
  if (!match) throw new InvalidSizeError(`invalid size: '${text}'`);
  const unit = (match[2] ?? "").toLowerCase();
  return Math.floor(Number(match[1]) * BINARY_UNITS[unit]!);
}

const BINARY_ABBRS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

/** go-units BytesSize: binary (1024-based) units, `%.4g` ("520KiB", "23.54GiB"), as `docker stats` shows memory. */
export function bytesSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < BINARY_ABBRS.length - 1) {
    size /= 1024;
    unit++;
  }
  return String(Number(size.toPrecision(4))) + BINARY_ABBRS[unit];
}
