/**
 * The local driver's options (`docker volume create --opt type=tmpfs --opt
 * device=tmpfs --opt o=size=64m`, or `--opt type=none --opt o=bind --opt
 * device=/host/dir`), checked as Docker's volume/local/local_unix.go checks
 * them: only type, device and o are known; type and device go together; a
 * volume with options is mounted on its `_data` when its first user starts
 * and unmounted when its last user stops.
 */
import { InvalidArgumentError } from "../../errors/index.js";

const KNOWN = new Set(["type", "device", "o"]);
const MAX_OPTION = 4096;

export interface LocalMountOptions {
  type: string;
  device: string;
  o: string;
}

export function validateLocalOptions(opts: Record<string, string>): void {
  for (const [k, v] of Object.entries(opts)) {
    if (!KNOWN.has(k)) throw new InvalidArgumentError(`invalid option: "${k}"`);
    if (typeof v !== "string" || v.length > MAX_OPTION || v.includes("\0") || v.includes("\n")) throw new InvalidArgumentError(`invalid option value for "${k}"`);
  }
  const hasType = !!opts["type"];
  const hasDevice = !!opts["device"];
  if (hasType !== hasDevice && !(opts["o"] ?? "").split(",").includes("bind")) {
    throw new InvalidArgumentError(`missing required option: "${hasType ? "device" : "type"}"`);
  }
  if (!hasType && !hasDevice && opts["o"]) throw new InvalidArgumentError(`missing required option: "type"`);
}

/** undefined when the volume is a plain directory (no options). */
export function localMountOptions(opts: Record<string, string>): LocalMountOptions | undefined {
  if (!opts["type"] && !opts["device"]) return undefined;
  return { type: opts["type"] ?? "none", device: opts["device"] ?? "", o: opts["o"] ?? "" };
}

/** mount(8) argv for a volume's options onto `target`; a bind takes the device as its source. */
export function mountArgv(m: LocalMountOptions, target: string): string[] {
  const isBind = m.o.split(",").includes("bind");
  const argv = ["mount"];
  if (!isBind && m.type && m.type !== "none") argv.push("-t", m.type);
  if (m.o) argv.push("-o", m.o);
  argv.push("--", m.device, target);
  return argv;
}
