/**
 * Capability opts: Docker's default set, --cap-add/--cap-drop, --privileged.
 *
 * Semantics follow moby oci/caps TweakCapabilities: names are accepted with or
 * without the CAP_ prefix and in any case; "ALL" in capAdd means every
 * capability except those dropped; "ALL" in capDrop means only capAdd;
 * otherwise defaults − capDrop + capAdd. Unknown names are an error.
 * The inheritable and ambient sets stay empty (moby since CVE-2022-24769), so
 * file capabilities cannot raise an unprivileged exec above the bounding set.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { SpecOpt } from "./spec-opt.js";

export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** Every capability by number (linux/capability.h); index = capability number. */
export const ALL_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
  "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
  "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
  "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

/**
 * Capabilities this kernel knows (/proc/sys/kernel/cap_last_cap) and berthd
 * holds (its bounding set), so runc never sees one it cannot grant.
 */
export function hostCapabilities(lastCap?: number, boundingSet?: bigint): string[] {
  const known = lastCap === undefined ? [...ALL_CAPABILITIES] : ALL_CAPABILITIES.slice(0, lastCap + 1);
  if (boundingSet === undefined) return known;
  return known.filter((_, i) => (boundingSet >> BigInt(i)) & 1n);
}

/** "net_admin" / "CAP_NET_ADMIN" → "CAP_NET_ADMIN"; "all" → "ALL". */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === "ALL") return "ALL";
  const full = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(full)) throw new InvalidArgumentError(`unknown capability: "${name}"`);
  return full;
}

export function computeCapabilities(opts: {
  capAdd: readonly string[];
  capDrop: readonly string[];
  privileged: boolean;
  lastCap?: number;
  boundingSet?: bigint;
}): string[] {
  const all = hostCapabilities(opts.lastCap, opts.boundingSet);
  if (opts.privileged) return all;
  const add = opts.capAdd.map(normalizeCapability);
  const drop = opts.capDrop.map(normalizeCapability);
  let caps: string[];
  if (add.includes("ALL")) caps = all.filter((c) => !drop.includes(c));
  else if (drop.includes("ALL")) caps = add;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add];
  return [...new Set(caps)].filter((c) => c !== "ALL" && all.includes(c));
}

export const withCapabilities: SpecOpt = (spec, input, host) => {
  const caps = computeCapabilities({ ...input, lastCap: host.lastCap, boundingSet: host.boundingSet });
  spec.process.capabilities = {
    bounding: caps,
    effective: [...caps],
    permitted: [...caps],
    inheritable: [],
    ambient: [],
  };
};
