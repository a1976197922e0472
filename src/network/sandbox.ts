/**
 * A container's network sandbox: a network namespace that berth creates and
 * keeps alive by bind-mounting it at <execRoot>/netns/<container id> (runc
 * joins it by path; berth can reconfigure it after its own restart), with one
 * veth pair per connected network: the container end (eth0, eth1, …) inside,
 * the host end ("veth" + 7 hex, as Docker names them) on the network's bridge.
 *
 * Cost matters (`run --rm` latency): creating a sandbox is two processes, an
 * `unshare --net=PATH ip -batch -` that configures everything inside the new
 * namespace (and creates the veth with its peer already in the host's
 * namespace), then one `ip -batch -` on the host side.
 */
import { promises as fs } from "node:fs";
import { randomBytes } from "node:crypto";
import { run } from "../sys/exec.js";
import { MNT_DETACH, umount } from "../sys/syscall-helper.js";

export interface InterfaceSpec {
  /** Name inside the container (eth0…). */
  ifname: string;
  /** Host end of the veth pair. */
  vethHost: string;
  bridge: string;
  mac: string;
  /** "10.1.0.2/24" */
  addressCidr: string;
  /** Default route through this gateway; absent on --internal networks or secondary networks. */
  defaultGateway?: string;
}

export function newVethName(): string {
  return `veth${randomBytes(4).toString("hex").slice(0, 7)}`;
}

/** The host's own network namespace, as a path ip can move a veth end into. */
function hostNetns(): string {
  return `/proc/${process.pid}/ns/net`;
}

function insideLines(ifs: InterfaceSpec[]): string[] {
  const lines: string[] = [];
  for (const i of ifs) {
    lines.push(`link add ${i.ifname} address ${i.mac} type veth peer name ${i.vethHost} netns ${hostNetns()}`);
    lines.push(`addr add ${i.addressCidr} dev ${i.ifname}`);
    lines.push(`link set ${i.ifname} up`);
    if (i.defaultGateway) lines.push(`route add default via ${i.defaultGateway} dev ${i.ifname} onlink`);
  }
  return lines;
}

function hostLines(ifs: InterfaceSpec[]): string[] {
  // hairpin lets a container reach its own published port through the host's address
  return ifs.flatMap((i) => [`link set ${i.vethHost} master ${i.bridge}`, `link set ${i.vethHost} type bridge_slave hairpin on`, `link set ${i.vethHost} up`]);
}

/** Creates the namespace at nsPath with lo up and the given interfaces. */
export async function createSandbox(nsPath: string, ifs: InterfaceSpec[]): Promise<void> {
  await fs.writeFile(nsPath, "", { flag: "w" });
  try {
    await run(["unshare", `--net=${nsPath}`, "ip", "-batch", "-"], { input: ["link set lo up", ...insideLines(ifs)].join("\n") + "\n" });
    if (ifs.length) await run(["ip", "-batch", "-"], { input: hostLines(ifs).join("\n") + "\n" });
  } catch (e) {
    await destroySandbox(nsPath, ifs.map((i) => i.vethHost));
    throw e;
  }
}

/** Adds interfaces to an existing sandbox (network connect on a running container). */
export async function addInterfaces(nsPath: string, ifs: InterfaceSpec[]): Promise<void> {
  await run(["nsenter", `--net=${nsPath}`, "ip", "-batch", "-"], { input: insideLines(ifs).join("\n") + "\n" });
  await run(["ip", "-batch", "-"], { input: hostLines(ifs).join("\n") + "\n" });
}

/** Points the sandbox's default route at a gateway (undefined: no default route at all). */
export async function setDefaultRoute(nsPath: string, route: { gateway: string; ifname: string } | undefined): Promise<void> {
  const cmd = route ? ["route", "replace", "default", "via", route.gateway, "dev", route.ifname, "onlink"] : ["route", "del", "default"];
  await run(["nsenter", `--net=${nsPath}`, "ip", ...cmd], { allowFailure: !route });
}

/** Deleting the host end removes the pair at once (the namespace's own cleanup is asynchronous). */
export async function removeInterfaces(vethHosts: string[]): Promise<void> {
  if (!vethHosts.length) return;
  await run(["ip", "-force", "-batch", "-"], { input: vethHosts.map((v) => `link del ${v}`).join("\n") + "\n", allowFailure: true });
}

export async function destroySandbox(nsPath: string, vethHosts: string[]): Promise<void> {
  await removeInterfaces(vethHosts);
  await umount(nsPath, MNT_DETACH).catch(() => {
    /* not mounted (creation failed early, or torn down already): nothing to undo */
  });
  await fs.rm(nsPath, { force: true });
}

export async function sandboxExists(nsPath: string): Promise<boolean> {
  const info = await fs.readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  return info.split("\n").some((l) => l.split(" ")[4] === nsPath);
}
