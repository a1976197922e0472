/**
 * From a container's PortBindings / PublishAllPorts / ExposedPorts to the
 * list of host ports to reserve, as Docker reads them: keys "80/tcp",
 * "53/udp" (protocol defaults to tcp); HostPort "" = a random free port,
 * "8080" = that port, "8080-8090" = the first free one in the range; -P
 * publishes every exposed port that has no binding on a random port.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { PortBindingSpec } from "./types.js";

export interface PortWant {
  proto: "tcp" | "udp";
  containerPort: number;
  hostIp: string;
  from: number;
  to: number;
}

export function parsePortKey(key: string): { port: number; proto: "tcp" | "udp" } {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(key);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw new InvalidArgumentError(`invalid port specification: ${JSON.stringify(key.slice(0, 100))}`);
  if (m[2] === "sctp") throw new InvalidArgumentError(`sctp ports are not supported: ${key}`);
  return { port: Number(m[1]), proto: (m[2] ?? "tcp") as "tcp" | "udp" };
}

function parseHostPort(text: string): { from: number; to: number } {
  if (text === "" || text === "0") return { from: 0, to: 0 };
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const from = m ? Number(m[1]) : NaN;
  const to = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || from < 1 || to > 65535 || to < from) throw new InvalidArgumentError(`invalid hostPort: ${text.slice(0, 100)}`);
  return { from, to };
}

export function validateHostIp(ip: string): void {
  if (ip === "") return;
  if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ip) || ip.split(".").some((p) => Number(p) > 255)) {
    throw new InvalidArgumentError(`invalid host IP address: ${ip.slice(0, 100)} (only IPv4 is supported)`);
  }
}

export function portWants(bindings: Record<string, PortBindingSpec[] | null> | undefined, publishAll: boolean, exposed: Record<string, object>): PortWant[] {
  const out: PortWant[] = [];
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, proto } = parsePortKey(key);
    bound.add(`${port}/${proto}`);
    for (const b of list ?? [{ hostIp: "", hostPort: "" }]) {
      validateHostIp(b.hostIp);
      out.push({ proto, containerPort: port, hostIp: b.hostIp === "0.0.0.0" ? "" : b.hostIp, ...parseHostPort(b.hostPort) });
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed)) {
      const { port, proto } = parsePortKey(key);
      if (!bound.has(`${port}/${proto}`)) out.push({ proto, containerPort: port, hostIp: "", from: 0, to: 0 });
    }
  }
  return out;
}
