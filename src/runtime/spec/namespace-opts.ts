/**
 * Namespace opts. Every container gets its own pid, ipc, uts and mount
 * namespaces. Network: "none" → a fresh netns (runc brings up only lo),
 * "host" → no network namespace entry at all (the spec's way to share the
 * runtime's), "path" → join the netns bind-mounted at that path (the network
 * driver creates it before create()).
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { OciNamespace } from "./oci-spec.js";
import type { SpecOpt } from "./spec-opt.js";

export const withNamespaces: SpecOpt = (spec, input) => {
  const ns: OciNamespace[] = [{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }];
  const net = input.network;
  if (net.mode === "none") ns.push({ type: "network" });
  else if (net.mode === "path") {
    if (!net.path.startsWith("/")) throw new InvalidArgumentError(`network namespace path must be absolute: ${net.path}`);
    ns.push({ type: "network", path: net.path });
  }
  spec.linux.namespaces = ns;
};

export const withHostname: SpecOpt = (spec, input) => {
  spec.hostname = input.hostname;
};

export const withSysctls: SpecOpt = (spec, input) => {
  if (input.sysctls && Object.keys(input.sysctls).length > 0) spec.linux.sysctl = { ...input.sysctls };
};
