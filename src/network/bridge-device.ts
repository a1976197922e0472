/**
 * One Linux bridge per network: created with the gateway address (so the
 * subnet becomes a host route at once), up, and with route_localnet so that
 * connections to 127.0.0.1:<published port> can be DNATed to a container
 * (the packet keeps its 127.0.0.1 source until POSTROUTING masquerades it).
 */
import { promises as fs } from "node:fs";
import { run } from "../sys/exec.js";

export async function bridgeExists(name: string): Promise<boolean> {
  try {
    await fs.access(`/sys/class/net/${name}/bridge`);
    return true;
  } catch {
    return false;
  }
}

export async function ensureBridge(o: { name: string; gatewayCidr: string; mtu?: number }): Promise<void> {
  const exists = await bridgeExists(o.name);
  const lines = exists ? [] : [`link add ${o.name} type bridge`];
  // "replace" makes this idempotent after a daemon restart
  lines.push(`addr replace ${o.gatewayCidr} dev ${o.name}`, `link set ${o.name} up`);
  await run(["ip", "-batch", "-"], { input: lines.join("\n") + "\n" });
  await fs.writeFile(`/proc/sys/net/ipv4/conf/${o.name}/route_localnet`, "1").catch(() => {});
}

export async function removeBridge(name: string): Promise<void> {
  if (!(await bridgeExists(name))) return;
  await run(["ip", "link", "del", name], { allowFailure: true });
}

/** Forwarding between interfaces is what a bridge network needs from the host (Docker enables it too). */
export async function enableIpForward(): Promise<void> {
  const cur = await fs.readFile("/proc/sys/net/ipv4/ip_forward", "utf8").catch(() => "");
  if (cur.trim() !== "1") await fs.writeFile("/proc/sys/net/ipv4/ip_forward", "1");
}
