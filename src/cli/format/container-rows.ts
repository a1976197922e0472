/**
 * `ps` columns, computed from ContainerSummary the way the docker CLI's
 * container formatter does (cli/command/formatter/container.go): short IDs,
 * quoted and ellipsised commands, names without the leading "/", ports as
 * "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp" (03 transcript).
 */
import type { ContainerSummary, Port } from "../../apitypes/index.js";
import { humanSize, timeAgo } from "./human.js";

export const PS_DEFAULT_FORMAT = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
export const PS_HEADERS: Record<string, string> = {
  ID: "CONTAINER ID",
  Image: "IMAGE",
  Command: "COMMAND",
  CreatedAt: "CREATED AT",
  RunningFor: "CREATED",
  Status: "STATUS",
  State: "STATE",
  Ports: "PORTS",
  Names: "NAMES",
  Size: "SIZE",
  Labels: "LABELS",
  Mounts: "MOUNTS",
  Networks: "NETWORKS",
};

export interface ContainerRow {
  ID: string;
  Image: string;
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  Ports: string;
  State: string;
  Status: string;
  Size: string;
  Names: string;
  Labels: string;
  Mounts: string;
  Networks: string;
}

/** Docker's Ellipsis: keep maxLength runes, the last one replaced by "…". */
export function ellipsis(text: string, maxLength: number): string {
  const runes = [...text];
  if (runes.length <= maxLength) return text;
  return runes.slice(0, maxLength - 1).join("") + "…";
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

function formatPort(port: Port): string {
  if (port.PublicPort === undefined || port.PublicPort === 0) return `${port.PrivatePort}/${port.Type}`;
  const ip = port.IP?.includes(":") ? `[${port.IP}]` : port.IP ?? "";
  return `${ip}:${port.PublicPort}->${port.PrivatePort}/${port.Type}`;
}

export function formatPorts(ports: Port[] | null | undefined): string {
  return [...new Set((ports ?? []).map(formatPort))].join(", ");
}

/** Go's time.Time String() in local time, close enough for CreatedAt: "2026-11-27 10:28:31 +0000 UTC". */
function goTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " +0000 UTC");
}

export function toContainerRow(c: ContainerSummary, options: { truncate: boolean; now?: number }): ContainerRow {
  const { truncate } = options;
  // Names with more than one "/" are link aliases ("/other/alias"); docker hides them unless --no-trunc.
  const names = (c.Names ?? []).filter((n) => !truncate || n.split("/").length === 2).map((n) => n.replace(/^\//, ""));
  const command = truncate ? ellipsis(c.Command ?? "", 20) : c.Command ?? "";
  let image = c.Image ?? "";
  if (truncate && image.startsWith("sha256:")) image = shortId(image);
  else if (truncate) image = image.replace(/@sha256:[0-9a-f]+$/, "");
  const size = c.SizeRw !== undefined ? `${humanSize(c.SizeRw)} (virtual ${humanSize(c.SizeRootFs ?? 0)})` : "";
  return {
    ID: truncate ? shortId(c.Id) : c.Id,
    Image: image,
    Command: JSON.stringify(command),
    CreatedAt: goTime(c.Created),
    RunningFor: timeAgo(c.Created, options.now),
    Ports: formatPorts(c.Ports),
    State: c.State,
    Status: c.Status,
    Size: size,
    Names: names.join(","),
    Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(","),
    Mounts: (c.Mounts ?? []).map((m) => (truncate ? ellipsis(m.Name || m.Source, 15) : m.Name || m.Source)).join(","),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(","),
  };
}
