/**
 * Per-daemon network names for test daemons (several run at once on one
 * host, next to other engineers' daemons and a Docker engine), and the check
 * that a stopped daemon left none of its bridges, veths, routes or iptables
 * rules behind (its netns bind mounts live under the exec root and are caught
 * by the mount check).
 */
import { runCmd } from "./harness.js";

export interface DaemonNetNames {
  bridge: string;
  bridgePrefix: string;
  chainPrefix: string;
}

/** Names derived from the daemon's temp dir tag (6 random alphanumerics). */
export function netNamesFor(tag: string): DaemonNetNames {
  const t = tag.replace(/[^A-Za-z0-9]/g, "").slice(-6);
  return { bridge: `bt${t}`, bridgePrefix: `b${t.slice(0, 4)}-`, chainPrefix: `BT_${t}` };
}

export function netFlags(n: DaemonNetNames): string[] {
  // a random 10.x/16 pool: the subnet lock and the route check keep daemons apart; this just spreads them out
  const x = 64 + Math.floor(Math.random() * 190);
  return ["--bridge", n.bridge, "--bridge-prefix", n.bridgePrefix, "--iptables-chain-prefix", n.chainPrefix, "--default-address-pool", `base=10.${x}.0.0/16,size=24`];
}

interface LinkJson { ifname: string; master?: string }

async function ourLinks(n: DaemonNetNames): Promise<string[]> {
  const r = await runCmd(["ip", "-j", "link"]);
  const links = JSON.parse(r.stdout || "[]") as LinkJson[];
  const mine = (name?: string) => !!name && (name === n.bridge || name.startsWith(n.bridgePrefix));
  return links.filter((l) => mine(l.ifname) || mine(l.master)).map((l) => l.ifname);
}

async function ourRules(n: DaemonNetNames): Promise<Array<{ table: string; line: string }>> {
  const out: Array<{ table: string; line: string }> = [];
  for (const table of ["nat", "filter"]) {
    const r = await runCmd(["iptables-save", "-t", table]);
    for (const line of r.stdout.split("\n")) if (line.includes(n.chainPrefix)) out.push({ table, line });
  }
  return out;
}

export async function networkLeaks(n: DaemonNetNames): Promise<string[]> {
  const leaks: string[] = [];
  const links = await ourLinks(n);
  if (links.length) leaks.push(`network devices ${links.join(",")}`);
  const rules = await ourRules(n);
  if (rules.length) leaks.push(`iptables ${rules.map((r) => `${r.table}: ${r.line}`).join(" | ")}`);
  return leaks;
}

/** Removes whatever a failed test left: devices, then jumps into our chains, then the chains. */
export async function cleanNetwork(n: DaemonNetNames): Promise<void> {
  for (const l of await ourLinks(n)) await runCmd(["ip", "link", "del", l]);
  const rules = await ourRules(n);
  for (const r of rules) {
    const m = /^-A (\S+) (.*)$/.exec(r.line);
    if (m && !m[1]!.startsWith(n.chainPrefix)) await runCmd(["iptables", "-w", "-t", r.table, "-D", m[1]!, ...m[2]!.split(" ")]);
  }
  for (const r of rules) {
    const m = /^:(\S+) /.exec(r.line);
    if (m) {
      await runCmd(["iptables", "-w", "-t", r.table, "-F", m[1]!]);
      await runCmd(["iptables", "-w", "-t", r.table, "-X", m[1]!]);
    }
  }
}
