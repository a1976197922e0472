/**
 * berth's iptables rules. They live only in berth's own chains, named after a
 * per-daemon prefix P (default "BERTH"), each reached from a built-in chain by
 * exactly one jump rule; berth never adds, edits or removes anything else, so
 * a Docker engine (or another berthd) on the same host keeps its rules.
 *
 *   nat    PREROUTING  -m addrtype --dst-type LOCAL -j P          published ports (DNAT)
 *   nat    OUTPUT      -m addrtype --dst-type LOCAL -j P          …also from the host itself, 127.0.0.1 included
 *   nat    POSTROUTING -j P-POSTROUTING                           outbound MASQUERADE, hairpin, localhost
 *   filter FORWARD     -j P-FORWARD                               accept/deny per bridge, then P-ISOLATION
 *
 * The whole content of berth's chains is derived from its state (networks and
 * running containers' published ports) and applied in one `iptables-restore
 * --noflush` transaction: declaring a chain in restore input flushes it, so a
 * re-apply never duplicates a rule, and a daemon restart rebuilds exactly
 * what the records say.
 */
import { run } from "../sys/exec.js";

export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
}

export interface FirewallPort {
  proto: "tcp" | "udp";
  /** "" or "0.0.0.0" = every host address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

export interface FirewallState {
  networks: FirewallNetwork[];
  ports: FirewallPort[];
}

export interface ChainNames {
  nat: string;
  post: string;
  forward: string;
  isolation: string;
}

export function chainNames(prefix: string): ChainNames {
  return { nat: prefix, post: `${prefix}-POSTROUTING`, forward: `${prefix}-FORWARD`, isolation: `${prefix}-ISOLATION` };
}

/** The jump rules, as "table builtin-chain rule-spec". */
export function jumpRules(prefix: string): Array<{ table: "nat" | "filter"; chain: string; spec: string }> {
  const c = chainNames(prefix);
  return [
    { table: "nat", chain: "PREROUTING", spec: `-m addrtype --dst-type LOCAL -j ${c.nat}` },
    { table: "nat", chain: "OUTPUT", spec: `-m addrtype --dst-type LOCAL -j ${c.nat}` },
    { table: "nat", chain: "POSTROUTING", spec: `-j ${c.post}` },
    { table: "filter", chain: "FORWARD", spec: `-j ${c.forward}` },
  ];
}

export function rulesetText(prefix: string, st: FirewallState): string {
  const c = chainNames(prefix);
  const nat: string[] = ["*nat", `:${c.nat} - [0:0]`, `:${c.post} - [0:0]`];
  for (const p of st.ports) {
    const dst = p.hostIp && p.hostIp !== "0.0.0.0" ? ` -d ${p.hostIp}/32` : "";
    nat.push(`-A ${c.nat}${dst} -p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${p.containerIp}:${p.containerPort}`);
  }
  for (const n of st.networks) {
    if (!n.internal) nat.push(`-A ${c.post} -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`);
    // 127.0.0.1:<port> DNATed to a container: the container cannot answer 127.0.0.1
    nat.push(`-A ${c.post} -o ${n.bridge} -s 127.0.0.0/8 -j MASQUERADE`);
    // hairpin: a container reaching a published port through the host's address
    nat.push(`-A ${c.post} -o ${n.bridge} -s ${n.subnet} -m conntrack --ctstate DNAT -j MASQUERADE`);
  }
  nat.push("COMMIT");
  const filter: string[] = ["*filter", `:${c.forward} - [0:0]`, `:${c.isolation} - [0:0]`, `-A ${c.forward} -j ${c.isolation}`];
  for (const n of st.networks) {
    if (n.internal) {
      filter.push(`-A ${c.forward} -i ${n.bridge} -o ${n.bridge} -j ACCEPT`);
      filter.push(`-A ${c.forward} -i ${n.bridge} -j DROP`);
      filter.push(`-A ${c.forward} -o ${n.bridge} -j DROP`);
      continue;
    }
    filter.push(`-A ${c.forward} -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    filter.push(`-A ${c.forward} -o ${n.bridge} -m conntrack --ctstate DNAT -j ACCEPT`);
    filter.push(`-A ${c.forward} -i ${n.bridge} -j ACCEPT`);
  }
  // containers on different berth networks do not reach each other (published ports aside)
  for (const a of st.networks) {
    for (const b of st.networks) {
      if (a.bridge !== b.bridge) filter.push(`-A ${c.isolation} -i ${a.bridge} -o ${b.bridge} -m conntrack ! --ctstate DNAT -j DROP`);
    }
  }
  filter.push("COMMIT");
  return [...nat, ...filter].join("\n") + "\n";
}

/** Removes berth's jumps and chains (nothing else): used when the daemon stops with no container running. */
export function teardownText(prefix: string, present: { jumps: ReturnType<typeof jumpRules>; chains: Set<string> }): string {
  const c = chainNames(prefix);
  const out: string[] = [];
  for (const table of ["nat", "filter"] as const) {
    const chains = table === "nat" ? [c.nat, c.post] : [c.forward, c.isolation];
    out.push(`*${table}`);
    for (const ch of chains) if (present.chains.has(ch)) out.push(`:${ch} - [0:0]`);
    for (const j of present.jumps) if (j.table === table) out.push(`-D ${j.chain} ${j.spec}`);
    for (const ch of chains) if (present.chains.has(ch)) out.push(`-X ${ch}`);
    out.push("COMMIT");
  }
  return out.join("\n") + "\n";
}

export class Firewall {
  constructor(readonly prefix: string) {}

  async apply(st: FirewallState): Promise<void> {
    await run(["iptables-restore", "-w", "--noflush"], { input: rulesetText(this.prefix, st) });
  }

  private async save(table: string): Promise<string> {
    return (await run(["iptables-save", "-t", table], { allowFailure: true })).stdout;
  }

  /** Which of berth's jumps and chains exist now (iptables-save prints rules in a canonical form). */
  async present(): Promise<{ jumps: ReturnType<typeof jumpRules>; chains: Set<string> }> {
    const [nat, filter] = await Promise.all([this.save("nat"), this.save("filter")]);
    const text = { nat, filter };
    const chains = new Set<string>();
    for (const t of [nat, filter]) for (const m of t.matchAll(/^:(\S+) /gm)) chains.add(m[1]!);
    const jumps = jumpRules(this.prefix).filter((j) => text[j.table].split("\n").includes(`-A ${j.chain} ${j.spec}`));
    return { jumps, chains };
  }

  /** Applies the state, then adds whichever jump rules are missing (at the top, so berth's traffic is decided before other FORWARD rules). */
  async install(st: FirewallState): Promise<void> {
    await this.apply(st);
    const have = await this.present();
    const missing = jumpRules(this.prefix).filter((j) => !have.jumps.some((h) => h.chain === j.chain && h.table === j.table));
    if (!missing.length) return;
    const out: string[] = [];
    for (const table of ["nat", "filter"] as const) {
      const js = missing.filter((j) => j.table === table);
      if (!js.length) continue;
      out.push(`*${table}`, ...js.map((j) => `-I ${j.chain} 1 ${j.spec}`), "COMMIT");
    }
    await run(["iptables-restore", "-w", "--noflush"], { input: out.join("\n") + "\n" });
  }

  async teardown(): Promise<void> {
    const have = await this.present();
    await run(["iptables-restore", "-w", "--noflush"], { input: teardownText(this.prefix, have) });
  }
}
