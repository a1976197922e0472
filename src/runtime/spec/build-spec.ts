/**
 * buildSpec: SpecInput + HostInfo → config.json, by applying the SpecOpts of
 * each concern in order. Pure: all host facts come in through HostInfo
 * (read once by readHostInfo in host-info.ts), so tests build specs without
 * root. Order matters only where opts touch the same field: mounts are
 * defaults, then user mounts, then --init's bind; process args get the init
 * prefix after withProcess.
 */
import type { SpecInput } from "../runtime-driver.js";
import { withCapabilities } from "./capability-opts.js";
import { withDevices, withMaskedPaths } from "./device-opts.js";
import { withDefaultMounts, withRoot, withUserMounts } from "./mount-opts.js";
import { withHostname, withNamespaces, withSysctls } from "./namespace-opts.js";
import type { HostInfo, OciSpec } from "./oci-spec.js";
import { withInit, withProcess, withRlimits, withSecurityBits } from "./process-opts.js";
import { withCgroupsPath, withResources } from "./resource-opts.js";
import type { SpecOpt } from "./spec-opt.js";

export const DEFAULT_SPEC_OPTS: readonly SpecOpt[] = [
  withRoot,
  withDefaultMounts,
  withUserMounts,
  withProcess,
  withInit,
  withSecurityBits,
  withRlimits,
  withCapabilities,
  withNamespaces,
  withHostname,
  withSysctls,
  withDevices,
  withMaskedPaths,
  withResources,
  withCgroupsPath,
];

function emptySpec(): OciSpec {
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: [],
      env: [],
      cwd: "/",
      capabilities: { bounding: [], effective: [], permitted: [], inheritable: [], ambient: [] },
      rlimits: [],
      noNewPrivileges: false,
    },
    root: { path: "rootfs", readonly: false },
    hostname: "",
    mounts: [],
    linux: {
      namespaces: [],
      devices: [],
      resources: { devices: [] },
      cgroupsPath: "",
      maskedPaths: [],
      readonlyPaths: [],
    },
  };
}

export function buildSpec(input: SpecInput, host: HostInfo, opts: readonly SpecOpt[] = DEFAULT_SPEC_OPTS): OciSpec {
  const spec = emptySpec();
  for (const opt of opts) opt(spec, input, host);
  return spec;
}
