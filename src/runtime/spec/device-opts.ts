/**
 * Device and /proc-hardening opts.
 *
 * Devices: the nodes every container gets (null, zero, full, random, urandom,
 * tty) are listed explicitly, so runc and crun create the same /dev; runc adds
 * /dev/ptmx → pts/ptmx and the /dev/fd, stdin, stdout, stderr, core symlinks
 * itself. The device cgroup starts from deny-all and allows Docker's list
 * (moby oci/defaults.go + the defaults runc once shipped): the nodes above,
 * /dev/console, ptys, /dev/net/tun, and mknod (not use) of any device.
 *
 * Privileged: every host device, allow-all cgroup rule, no masked or
 * read-only /proc paths.
 */
import type { OciDevice, OciDeviceRule } from "./oci-spec.js";
import type { SpecOpt } from "./spec-opt.js";

export const MASKED_PATHS: readonly string[] = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
];

export const READONLY_PATHS: readonly string[] = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

function charDevice(path: string, major: number, minor: number): OciDevice {
  return { path, type: "c", major, minor, fileMode: 0o666, uid: 0, gid: 0 };
}

export function defaultDevices(): OciDevice[] {
  return [
    charDevice("/dev/null", 1, 3),
    charDevice("/dev/zero", 1, 5),
    charDevice("/dev/full", 1, 7),
    charDevice("/dev/random", 1, 8),
    charDevice("/dev/urandom", 1, 9),
    charDevice("/dev/tty", 5, 0),
  ];
}

export function defaultDeviceRules(): OciDeviceRule[] {
  const allow = (type: "c" | "b", major: number | undefined, minor: number | undefined, access: string): OciDeviceRule => {
    const rule: OciDeviceRule = { allow: true, type, access };
    if (major !== undefined) rule.major = major;
    if (minor !== undefined) rule.minor = minor;
    return rule;
  };
  return [
    { allow: false, access: "rwm" },
    allow("c", undefined, undefined, "m"),
    allow("b", undefined, undefined, "m"),
    allow("c", 1, 3, "rwm"), // null
    allow("c", 1, 5, "rwm"), // zero
    allow("c", 1, 7, "rwm"), // full
    allow("c", 1, 8, "rwm"), // random
    allow("c", 1, 9, "rwm"), // urandom
    allow("c", 5, 0, "rwm"), // tty
    allow("c", 5, 1, "rwm"), // console
    allow("c", 5, 2, "rwm"), // ptmx
    allow("c", 136, undefined, "rwm"), // pts/*
    allow("c", 10, 200, "rwm"), // net/tun
  ];
}

export const withDevices: SpecOpt = (spec, input, host) => {
  if (input.privileged) {
    spec.linux.devices = (host.hostDevices ?? defaultDevices()).map((d) => ({ ...d }));
    spec.linux.resources.devices = [{ allow: true, access: "rwm" }];
    return;
  }
  spec.linux.devices = defaultDevices();
  spec.linux.resources.devices = defaultDeviceRules();
};

export const withMaskedPaths: SpecOpt = (spec, input) => {
  spec.linux.maskedPaths = input.privileged ? [] : [...MASKED_PATHS];
  spec.linux.readonlyPaths = input.privileged ? [] : [...READONLY_PATHS];
};
