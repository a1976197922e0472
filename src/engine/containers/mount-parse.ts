/**
 * Docker's two ways to ask for mounts, turned into MountSpecs:
 *  - HostConfig.Binds: "SRC:DST[:OPTS]" where OPTS is a comma list of ro|rw,
 *    z|Z, nocopy and propagation (rprivate, shared, …). A SRC that is not
 *    absolute names a volume (created on demand at container create).
 *  - HostConfig.Mounts: [{Type, Source, Target, ReadOnly, BindOptions,
 *    VolumeOptions, TmpfsOptions}]; a volume mount without Source is anonymous.
 * Validation messages follow Docker's ("invalid mount config for type …").
 */
import path from "node:path";
import { InvalidArgumentError } from "../../errors/index.js";
import { validateVolumeName } from "../volumes/volume-name.js";
import type { MountSpec } from "./types.js";

const PROPAGATIONS = new Set(["private", "rprivate", "shared", "rshared", "slave", "rslave"]);

export function parseBind(spec: string): MountSpec {
  const parts = spec.split(":");
  if (parts.length < 2 || parts.length > 3 || parts.some((p, i) => p === "" && i < 2)) {
    throw new InvalidArgumentError(`invalid volume specification: '${spec}'`);
  }
  const [src, dst, opts = ""] = parts as [string, string, string?];
  if (!path.isAbsolute(dst)) throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "bind": invalid mount path: '${dst}' mount path must be absolute`);
  if (dst === "/") throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config: destination can't be '/'`);
  const isVolume = !path.isAbsolute(src);
  if (isVolume) validateVolumeName(src);
  const m: MountSpec = isVolume
    ? // Docker's setBindModeIfNull: a local-driver volume without a mode shows "z"
      { type: "volume", source: "", name: src, destination: path.normalize(dst), readOnly: false, fromBinds: true, mode: opts || "z" }
    : { type: "bind", source: path.normalize(src), destination: path.normalize(dst), readOnly: false, fromBinds: true, propagation: "rprivate", mode: opts };
  for (const o of opts.split(",").filter(Boolean)) {
    if (o === "ro") m.readOnly = true;
    else if (o === "rw") m.readOnly = false;
    else if (o === "z" || o === "Z") continue;
    else if (o === "nocopy" && isVolume) m.noCopy = true;
    else if (PROPAGATIONS.has(o) && !isVolume) m.propagation = o;
    else throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mode: ${o}`);
  }
  return m;
}

export interface ApiMount {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

function stringMap(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new InvalidArgumentError(`invalid mount config for type "volume": ${what} must be an object of strings`);
  for (const x of Object.values(v)) if (typeof x !== "string") throw new InvalidArgumentError(`invalid mount config for type "volume": ${what} must be an object of strings`);
  return { ...(v as Record<string, string>) };
}

function parseVolumeMount(m: ApiMount, target: string): MountSpec {
  const src = m.Source ?? "";
  if (typeof src !== "string") throw new InvalidArgumentError(`invalid mount config for type "volume": Source must be a string`);
  if (src) validateVolumeName(src);
  if (m.BindOptions) throw new InvalidArgumentError(`invalid mount config for type "volume": BindOptions must not be specified`);
  if (m.TmpfsOptions) throw new InvalidArgumentError(`invalid mount config for type "volume": TmpfsOptions must not be specified`);
  const vo = m.VolumeOptions ?? {};
  if (typeof vo !== "object" || vo === null || Array.isArray(vo)) throw new InvalidArgumentError(`invalid mount config for type "volume": VolumeOptions must be an object`);
  const driver = vo.DriverConfig?.Name;
  if (driver && driver !== "local") throw new InvalidArgumentError(`invalid mount config for type "volume": volume driver ${driver} is not supported`);
  if (vo.NoCopy !== undefined && typeof vo.NoCopy !== "boolean") throw new InvalidArgumentError(`invalid mount config for type "volume": NoCopy must be a boolean`);
  const spec: MountSpec = { type: "volume", source: "", name: src, anonymous: !src, destination: path.normalize(target), readOnly: !!m.ReadOnly, mode: "z" };
  if (vo.NoCopy) spec.noCopy = true;
  const opts = stringMap(vo.DriverConfig?.Options, "DriverConfig.Options");
  const labels = stringMap(vo.Labels, "Labels");
  if (opts && Object.keys(opts).length) spec.volumeOptions = opts;
  if (labels && Object.keys(labels).length) spec.volumeLabels = labels;
  return spec;
}

export function parseApiMount(m: ApiMount): MountSpec {
  if (typeof m !== "object" || m === null) throw new InvalidArgumentError("invalid mount config: not an object");
  const type = m.Type ?? "";
  const target = m.Target ?? "";
  if (typeof type !== "string" || typeof target !== "string" || (m.Source !== undefined && m.Source !== null && typeof m.Source !== "string")) {
    throw new InvalidArgumentError("invalid mount config: Type, Source and Target must be strings");
  }
  if (!target) throw new InvalidArgumentError(`invalid mount config for type "${type}": field Target must not be empty`);
  if (!path.isAbsolute(target)) throw new InvalidArgumentError(`invalid mount config for type "${type}": invalid mount path: '${target}' mount path must be absolute`);
  if (type === "bind") {
    const src = m.Source ?? "";
    if (!src) throw new InvalidArgumentError(`invalid mount config for type "bind": field Source must not be empty`);
    if (!path.isAbsolute(src)) throw new InvalidArgumentError(`invalid mount config for type "bind": invalid mount path: '${src}' mount path must be absolute`);
    const prop = m.BindOptions?.Propagation || "rprivate";
    if (!PROPAGATIONS.has(prop)) throw new InvalidArgumentError(`invalid mount config for type "bind": invalid propagation mode: ${prop}`);
    return { type: "bind", source: path.normalize(src), destination: path.normalize(target), readOnly: !!m.ReadOnly, propagation: prop };
  }
  if (type === "tmpfs") {
    if (m.Source) throw new InvalidArgumentError(`invalid mount config for type "tmpfs": field Source must not be specified`);
    const size = m.TmpfsOptions?.SizeBytes;
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw new InvalidArgumentError(`invalid mount config for type "tmpfs": invalid size ${size}`);
    return { type: "tmpfs", source: "", destination: path.normalize(target), readOnly: !!m.ReadOnly, tmpfsSizeBytes: size, tmpfsMode: m.TmpfsOptions?.Mode };
  }
  if (type === "volume" && path.normalize(target) === "/") throw new InvalidArgumentError(`invalid mount config for type "volume": invalid specification: destination can't be '/'`);
  if (type === "volume") return parseVolumeMount(m, target);
  throw new InvalidArgumentError(`invalid mount config: mount type unknown: "${type}"`);
}

/** HostConfig.Tmpfs: {"/run": "rw,size=64m"} */
export function parseTmpfsMap(map: Record<string, string>): MountSpec[] {
  return Object.entries(map).map(([dst, opts]) => {
    if (!path.isAbsolute(dst)) throw new InvalidArgumentError(`invalid mount config for type "tmpfs": invalid mount path: '${dst}' mount path must be absolute`);
    const m: MountSpec = { type: "tmpfs", source: "", destination: dst, readOnly: false, fromTmpfsMap: true };
    for (const o of (opts ?? "").split(",").filter(Boolean)) {
      if (o === "ro") m.readOnly = true;
      const sm = /^size=(\d+)([kmg]?)$/i.exec(o);
      if (sm) m.tmpfsSizeBytes = Number(sm[1]) * ({ "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as Record<string, number>)[sm[2]!.toLowerCase()]!;
      const mm = /^mode=([0-7]+)$/.exec(o);
      if (mm) m.tmpfsMode = parseInt(mm[1]!, 8);
    }
    return m;
  });
}
