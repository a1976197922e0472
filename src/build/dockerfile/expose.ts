/**
 * EXPOSE values → the image config's ExposedPorts keys, as dockerd does it
 * (go-connections nat.ParsePortSpecs): "80" → "80/tcp", "80/UDP" → "80/udp",
 * "8000-8002" → three ports, "ip:host:container" keeps the container port,
 * protocols tcp/udp/sctp. Messages are dockerd 20.10.24's, observed with the
 * classic builder. Call on values after expandInstruction.
 */
import { isIP } from "node:net";
import { InvalidArgumentError } from "../../errors/index.js";

/** strconv.ParseUint(s, 10, 16) */
function parsePort(s: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

/** nat.ParsePortRange: "80" or "80-90" (anything after a second "-" is ignored, as in Go). */
function parseRange(s: string): [number, number] | undefined {
  if (s === "") return undefined;
  const parts = s.split("-");
  const start = parsePort(parts[0]);
  const end = parts.length === 1 ? start : parsePort(parts[1]);
  if (start === undefined || end === undefined || end < start) return undefined;
  return [start, end];
}

/** nat.SplitProtoPort: "80/udp" → ["udp", "80"]; "/x" → ["", ""]. */
function splitProtoPort(raw: string): [proto: string, port: string] {
  const parts = raw.split("/");
  if (raw === "" || parts[0] === "") return ["", ""];
  if (parts.length === 1 || parts[1] === "") return ["tcp", parts[0]];
  return [parts[1], parts[0]];
}

function portKeys(raw: string): string[] {
  const parts = raw.split(":");
  const n = parts.length;
  const ip = n >= 3 ? parts.slice(0, n - 2).join(":") : "";
  const hostPort = n >= 2 ? parts[n - 2] : "";
  const [proto, containerPort] = splitProtoPort(parts[n - 1]);
  let address = ip;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0) throw new InvalidArgumentError(`Invalid ip address ${ip}: address ${ip}:: missing ']' in address`);
    address = address.slice(1, close);
  }
  if (address !== "" && isIP(address) === 0) throw new InvalidArgumentError(`Invalid ip address: ${address}`);
  if (containerPort === "") throw new InvalidArgumentError(`No port specified: ${raw}<empty>`);
  const range = parseRange(containerPort);
  if (!range) throw new InvalidArgumentError(`Invalid containerPort: ${containerPort}`);
  if (hostPort !== "") {
    const hostRange = parseRange(hostPort);
    if (!hostRange) throw new InvalidArgumentError(`Invalid hostPort: ${hostPort}`);
    if (range[1] - range[0] !== hostRange[1] - hostRange[0] && range[1] !== range[0]) {
      throw new InvalidArgumentError(`Invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    }
  }
  const lower = proto.toLowerCase();
  if (lower !== "tcp" && lower !== "udp" && lower !== "sctp") throw new InvalidArgumentError(`Invalid proto: ${proto}`);
  const keys: string[] = [];
  for (let p = range[0]; p <= range[1]; p++) keys.push(`${p}/${lower}`);
  return keys;
}

/** The ExposedPorts keys for an EXPOSE instruction's (expanded) values, without duplicates. */
export function exposedPorts(values: string[]): string[] {
  // at most 3 × 65536 distinct keys however many values repeat a range
  const keys = new Set<string>();
  for (const value of values) for (const key of portKeys(value)) keys.add(key);
  return [...keys];
}
