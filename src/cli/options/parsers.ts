/**
 * Pure parsers for `run`/`create` flag values, each mirroring the docker CLI's
 * (github.com/docker/cli opts/ and go-units) so the same command line produces
 * the same create body. Errors are FlagError: the CLI exits 125 with them.
 */
import type { Mount, RestartPolicy, Ulimit } from "../../apitypes/index.js";
import { parseRamBytes } from "../format/human.js";

export class FlagError extends Error {}

export { parseRamBytes };

/** `--memory-swap`: a size, or -1 for unlimited. */
export function parseSwap(text: string): number {
  return text === "-1" ? -1 : parseRamBytes(text);
}

/** `--cpus 1.5` → NanoCpus 1500000000. */
export function parseCpus(text: string): number {
  const cpus = Number(text);
  if (!Number.isFinite(cpus) || cpus < 0) throw new FlagError(`invalid argument "${text}" for "--cpus" flag: failed to parse ${text} as a rational number`);
  return Math.round(cpus * 1e9);
}

/** `-e A=1` as is; `-e A` takes A's value from the environment, or stays "A" when unset (docker opts.ValidateEnv). */
export function parseEnvEntry(text: string, env: NodeJS.ProcessEnv): string {
  const eq = text.indexOf("=");
  const key = eq < 0 ? text : text.slice(0, eq);
  if (!key) throw new FlagError(`invalid environment variable: ${text}`);
  if (eq >= 0) return text;
  const value = env[key];
  return value === undefined ? text : `${key}=${value}`;
}

/** `--env-file` contents: KEY=value lines, "#" comments and blank lines skipped, bare names taken from the environment. */
export function parseEnvFile(content: string, env: NodeJS.ProcessEnv): string[] {
  const entries: string[] = [];
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === "" || line.startsWith("#")) continue;
    if (/\s/.test(line.split("=")[0]!)) throw new FlagError(`variable '${line.split("=")[0]}' contains whitespaces`);
    entries.push(parseEnvEntry(line, env));
  }
  return entries;
}

/** `-l k=v` / `-l k` (empty value). */
export function parseLabels(values: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq < 0) labels[value] = "";
    else labels[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return labels;
}

/** `--ulimit nofile=1024:2048` (soft:hard) or `nofile=1024` (both). */
export function parseUlimit(text: string): Ulimit {
  const match = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(text);
  if (!match) throw new FlagError(`invalid ulimit argument: ${text}`);
  const soft = Number(match[2]);
  const hard = match[3] === undefined ? soft : Number(match[3]);
  if (soft > hard && hard !== -1) throw new FlagError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: match[1]!, Soft: soft, Hard: hard };
}

/** `--restart no|always|unless-stopped|on-failure[:N]`. */
export function parseRestart(text: string): RestartPolicy {
  const [name, count] = text.split(":");
  if (name !== "no" && name !== "always" && name !== "unless-stopped" && name !== "on-failure") {
    throw new FlagError(`invalid restart policy '${text}'`);
  }
  if (count !== undefined && name !== "on-failure") throw new FlagError(`maximum retry count cannot be used with restart policy '${name}'`);
  return { Name: name, MaximumRetryCount: count === undefined ? 0 : Number(count) };
}

/**
 * `-v`: "src:dst[:opts]" goes to HostConfig.Binds verbatim (03 transcript:
 * `-v /srv/x:/data` → Binds ["/srv/x:/data"]); a lone container path is an
 * anonymous volume and goes to Config.Volumes.
 */
export function classifyVolume(text: string): { bind: string } | { anonymous: string } {
  const parts = text.split(":");
  if (parts.length === 1) {
    if (!text.startsWith("/")) throw new FlagError(`invalid volume specification: '${text}'`);
    return { anonymous: text };
  }
  if (parts.length > 3 || !parts[1]!.startsWith("/")) throw new FlagError(`invalid volume specification: '${text}'`);
  return { bind: text };
}

function parseBool(key: string, value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  throw new FlagError(`invalid value for ${key}: ${value}`);
}

/** The docker CLI reads --mount as one CSV record: a field in double quotes may hold commas ("" is a quote). */
export function csvFields(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (quoted) throw new FlagError(`invalid argument "${text}" for "--mount" flag: parse error: bare " in non-quoted-field`);
  out.push(cur);
  return out;
}

function splitOnce(s: string): [string, string | undefined] {
  const eq = s.indexOf("=");
  return eq < 0 ? [s, undefined] : [s.slice(0, eq), s.slice(eq + 1)];
}

/** `--mount type=bind,source=/a,target=/b,readonly` (csv of key=value; default type volume). */
export function parseMount(text: string): Mount {
  const mount: Mount = { Type: "volume" };
  for (const field of csvFields(text)) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    switch (key) {
      case "type":
        if (value !== "bind" && value !== "volume" && value !== "tmpfs") throw new FlagError(`invalid mount type: ${value}`);
        mount.Type = value;
        break;
      case "source":
      case "src":
        mount.Source = value;
        break;
      case "target":
      case "destination":
      case "dst":
        mount.Target = value;
        break;
      case "readonly":
      case "ro":
        mount.ReadOnly = parseBool(key, value);
        break;
      case "bind-propagation":
        mount.BindOptions = { ...mount.BindOptions, Propagation: value as NonNullable<Mount["BindOptions"]>["Propagation"] };
        break;
      case "volume-nocopy":
        mount.VolumeOptions = { ...mount.VolumeOptions, NoCopy: parseBool(key, value) };
        break;
      case "volume-driver":
        mount.VolumeOptions = { ...mount.VolumeOptions, DriverConfig: { ...mount.VolumeOptions?.DriverConfig, Name: value } };
        break;
      case "volume-label": {
        // docker: volume-label=k=v
        const [k, v = ""] = splitOnce(value ?? "");
        mount.VolumeOptions = { ...mount.VolumeOptions, Labels: { ...mount.VolumeOptions?.Labels, [k]: v } };
        break;
      }
      case "volume-opt": {
        // docker: volume-opt=type=tmpfs; a value with commas must be quoted ("volume-opt=o=size=1m,uid=1")
        const [k, v = ""] = splitOnce(value ?? "");
        if (!k) throw new FlagError(`invalid volume-opt: ${field}`);
        const opts = { ...mount.VolumeOptions?.DriverConfig?.Options, [k]: v };
        mount.VolumeOptions = { ...mount.VolumeOptions, DriverConfig: { ...mount.VolumeOptions?.DriverConfig, Options: opts } };
        break;
      }
      case "tmpfs-size":
        mount.TmpfsOptions = { ...mount.TmpfsOptions, SizeBytes: parseRamBytes(value ?? "") };
        break;
      case "tmpfs-mode":
        mount.TmpfsOptions = { ...mount.TmpfsOptions, Mode: parseInt(value ?? "", 8) };
        break;
      default:
        throw new FlagError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!mount.Target) throw new FlagError("target is required");
  if (mount.Type === "bind" && !mount.Source) throw new FlagError("source is required when specifying bind mount");
  if (mount.Type === "tmpfs" && mount.Source) throw new FlagError("source is not allowed for tmpfs mounts");
  return mount;
}

/** `--tmpfs /run:size=64m` → ["/run", "size=64m"]. */
export function parseTmpfs(text: string): [string, string] {
  const colon = text.indexOf(":");
  return colon < 0 ? [text, ""] : [text.slice(0, colon), text.slice(colon + 1)];
}

/** `-p [ip:][hostPort:]containerPort[/proto]` → exposed port key and binding. */
export function parsePublish(text: string): { port: string; binding: { HostIp: string; HostPort: string } } {
  const [spec, proto = "tcp"] = text.split("/");
  const parts = spec!.split(":");
  const containerPort = parts.pop()!;
  const hostPort = parts.pop() ?? "";
  const hostIp = parts.join(":").replace(/^\[|\]$/g, "");
  if (!/^\d+$/.test(containerPort)) throw new FlagError(`invalid containerPort: ${containerPort}`);
  return { port: `${containerPort}/${proto}`, binding: { HostIp: hostIp, HostPort: hostPort } };
}

/**
 * `-p` with ranges, as the docker CLI expands them (nat.ParsePortSpec):
 * "8000-8001:80-81" → two bindings; "8000-8010:80" → one binding whose
 * HostPort is the range (the daemon picks a free port in it); "80-81" → two
 * random host ports.
 */
export function parsePublishRanges(text: string): Array<{ port: string; binding: { HostIp: string; HostPort: string } }> {
  const [spec, proto = "tcp"] = text.split("/");
  if (!/^(tcp|udp|sctp)$/.test(proto)) throw new FlagError(`invalid proto: ${proto}`);
  const parts = spec!.split(":");
  const containerPart = parts.pop()!;
  const hostPart = parts.pop() ?? "";
  const hostIp = parts.join(":").replace(/^\[|\]$/g, "");
  const range = (t: string, what: string): [number, number] => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(t);
    if (!m) throw new FlagError(`invalid ${what}: ${t}`);
    const a = Number(m[1]);
    const b = Number(m[2] ?? m[1]);
    if (a < 1 || b > 65535 || b < a) throw new FlagError(`invalid ${what}: ${t}`);
    return [a, b];
  };
  const [c1, c2] = range(containerPart, "containerPort");
  const count = c2 - c1 + 1;
  if (hostPart === "") return Array.from({ length: count }, (_, i) => ({ port: `${c1 + i}/${proto}`, binding: { HostIp: hostIp, HostPort: "" } }));
  const [h1, h2] = range(hostPart, "hostPort");
  if (count === 1) return [{ port: `${c1}/${proto}`, binding: { HostIp: hostIp, HostPort: h1 === h2 ? String(h1) : `${h1}-${h2}` } }];
  if (h2 - h1 + 1 !== count) throw new FlagError(`invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`);
  return Array.from({ length: count }, (_, i) => ({ port: `${c1 + i}/${proto}`, binding: { HostIp: hostIp, HostPort: String(h1 + i) } }));
}
