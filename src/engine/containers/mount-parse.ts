/**
 * Docker's two ways to ask for mounts, turned into MountSpecs:
 *  - HostConfig.Binds: "SRC:DST[:OPTS]" where OPTS is a comma list of ro|rw,
 *    z|Z, and propagation (rprivate, shared, …). A SRC that is not absolute
 *    names a volume (volumes come with the networks-and-volumes work).
 *  - HostConfig.Mounts: [{Type, Source, Target, ReadOnly, BindOptions, TmpfsOptions}].
 * Validation messages follow Docker's ("invalid mount config for type …").
 */
import path from "node:path";
import { InvalidArgumentError, NotImplementedError } from "../../errors/index.js";
import type { MountSpec } from "./types.js";

const PROPAGATIONS = new Set(["private", "rprivate", "shared", "rshared", "slave", "rslave"]);

export function parseBind(spec: string): MountSpec {
  const parts = spec.split(":");
  if (parts.length < 2 || parts.length > 3 || parts.some((p, i) => p === "" && i < 2)) {
    throw new InvalidArgumentError(`invalid volume specification: '${spec}'`);
  }
  const [src, dst, opts = ""] = parts as [string, string, string?];
  if (!path.isAbsolute(dst)) throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "bind": invalid mount path: '${dst}' mount path must be absolute`);
  if (!path.isAbsolute(src)) throw new NotImplementedError(`named volumes are not supported yet: '${spec}'`);
  const m: MountSpec = { type: "bind", source: path.normalize(src), destination: path.normalize(dst), readOnly: false, fromBinds: true, propagation: "rprivate" };
  for (const o of opts.split(",").filter(Boolean)) {
    if (o === "ro") m.readOnly = true;
    else if (o === "rw") m.readOnly = false;
    else if (o === "z" || o === "Z" || o === "nocopy") continue;
    else if (PROPAGATIONS.has(o)) m.propagation = o;
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
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export function parseApiMount(m: ApiMount): MountSpec {
  if (typeof m !== "object" || m === null) throw new InvalidArgumentError("invalid mount config: not an object");
  const type = m.Type ?? "";
  const target = m.Target ?? "";
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
  if (type === "volume") throw new NotImplementedError(`mount type "volume" is not supported yet`);
  throw new InvalidArgumentError(`invalid mount config: mount type unknown: "${type}"`);
}

/** HostConfig.Tmpfs: {"/run": "rw,size=64m"} */
export function parseTmpfsMap(map: Record<string, string>): MountSpec[] {
  return Object.entries(map).map(([dst, opts]) => {
    if (!path.isAbsolute(dst)) throw new InvalidArgumentError(`invalid mount config for type "tmpfs": invalid mount path: '${dst}' mount path must be absolute`);
    const m: MountSpec = { type: "tmpfs", source: "", destination: dst, readOnly: false };
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
