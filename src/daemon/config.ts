/**
 * berthd's configuration: defaults, then /etc/berth/daemon.json (keys named
 * as in Docker's daemon.json where they overlap: "data-root", "exec-root",
 * "hosts", "pidfile", "default-runtime", "cgroup-parent", "insecure-registries"),
 * then flags. Insecure registries from the file and from the repeatable
 * --insecure-registry flag are combined.
 */
import { promises as fs } from "node:fs";
import { InvalidArgumentError } from "../errors/index.js";
import { validatePools, type AddressPool } from "../network/ipam.js";
import { parseCidr } from "../network/ipv4.js";

export interface DaemonConfig {
  socketPath: string;
  dataRoot: string;
  execRoot: string;
  pidFile: string;
  /** "" = pick the runtime that works on this host. */
  runtime: string;
  cgroupParent: string;
  configFile: string;
  debug: boolean;
  /**
   * Docker's insecure registries: "host[:port]" or IPv4 CIDR entries, tried
   * over HTTPS first with HTTP as fallback. Loopback is always insecure.
   */
  insecureRegistries: string[];
  /** Device of the default bridge network (Docker: --bridge / "bridge", default docker0; berth0 here). */
  bridgeName: string;
  /** Prefix of user networks' bridge devices (Docker uses "br-"). */
  bridgePrefix: string;
  /** Docker's --bip / "bip": the default bridge's gateway address and prefix; "" = pick from the pools. */
  bip: string;
  /** Docker's "default-address-pools" / --default-address-pool base=…,size=…; empty = Docker's defaults. */
  addressPools: AddressPool[];
  /** Prefix of berth's iptables chains (one set per daemon). */
  iptablesChainPrefix: string;
}

export const DEFAULTS: DaemonConfig = {
  socketPath: "/run/berth/berth.sock",
  dataRoot: "/var/lib/berth",
  execRoot: "/run/berth",
  pidFile: "",
  runtime: "",
  cgroupParent: "berth",
  configFile: "/etc/berth/daemon.json",
  debug: false,
  insecureRegistries: [],
  bridgeName: "berth0",
  bridgePrefix: "br-",
  bip: "",
  addressPools: [],
  iptablesChainPrefix: "BERTH",
};

/** "base=10.10.0.0/16,size=24" → pool (Docker's --default-address-pool syntax). */
export function parsePoolFlag(text: string): AddressPool {
  const kv = Object.fromEntries(text.split(",").map((p) => [p.slice(0, p.indexOf("=")).trim(), p.slice(p.indexOf("=") + 1).trim()]));
  const pool = { base: kv["base"] ?? "", size: Number(kv["size"]) };
  validatePools([pool]);
  return pool;
}

function checkNetworkNames(c: Partial<DaemonConfig>): void {
  if (c.bridgeName !== undefined && !/^[a-zA-Z0-9_.-]{1,15}$/.test(c.bridgeName)) throw new InvalidArgumentError(`invalid bridge name ${c.bridgeName}`);
  if (c.bridgePrefix !== undefined && !/^[a-zA-Z0-9_.-]{1,6}$/.test(c.bridgePrefix)) throw new InvalidArgumentError(`invalid bridge prefix ${c.bridgePrefix}: 1 to 6 of [a-zA-Z0-9_.-]`);
  if (c.iptablesChainPrefix !== undefined && !/^[A-Za-z0-9_]{1,16}$/.test(c.iptablesChainPrefix)) throw new InvalidArgumentError(`invalid iptables chain prefix ${c.iptablesChainPrefix}: 1 to 16 of [A-Za-z0-9_]`);
  if (c.bip) parseCidr(c.bip);
}

/** Checks one insecure-registry entry the way Docker does: a CIDR, or a host[:port] without scheme or path. */
export function validateInsecureRegistry(entry: string): string {
  const e = entry.trim();
  if (e === "") throw new InvalidArgumentError("insecure registry must not be empty");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e)) throw new InvalidArgumentError(`insecure registry ${e} should not contain '://'`);
  if (e.includes("/")) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(e);
    if (!m || m.slice(1, 5).some((p) => Number(p) > 255) || Number(m[5]) > 32) {
      throw new InvalidArgumentError(`insecure registry ${e} is not a valid IPv4 CIDR or host[:port]`);
    }
    return e;
  }
  const hp = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(e);
  if (!hp || (hp[2] !== undefined && Number(hp[2]) > 65535)) throw new InvalidArgumentError(`insecure registry ${e} is not a valid host[:port] or IPv4 CIDR`);
  return e;
}

function hostToSocket(h: string): string {
  if (h.startsWith("unix://")) return h.slice("unix://".length);
  if (h.startsWith("/")) return h;
  throw new InvalidArgumentError(`unsupported host ${h}: only unix:// sockets are supported`);
}

export async function readConfigFile(file: string, mustExist: boolean): Promise<Partial<DaemonConfig>> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" && !mustExist) return {};
    throw new InvalidArgumentError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof j !== "object" || j === null || Array.isArray(j)) throw new InvalidArgumentError(`config file ${file} must hold a JSON object`);
  const o = j as Record<string, unknown>;
  const out: Partial<DaemonConfig> = {};
  const s = (k: string) => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw new InvalidArgumentError(`config file ${file}: "${k}" must be a string`);
    return v;
  };
  if (s("data-root")) out.dataRoot = s("data-root");
  if (s("exec-root")) out.execRoot = s("exec-root");
  if (s("pidfile")) out.pidFile = s("pidfile");
  if (s("default-runtime")) out.runtime = s("default-runtime");
  if (s("cgroup-parent")) out.cgroupParent = s("cgroup-parent");
  const hosts = o["hosts"];
  if (Array.isArray(hosts) && typeof hosts[0] === "string") out.socketPath = hostToSocket(hosts[0]);
  if (o["debug"] === true) out.debug = true;
  if (s("bridge")) out.bridgeName = s("bridge");
  if (s("berth-bridge-prefix")) out.bridgePrefix = s("berth-bridge-prefix");
  if (s("bip")) out.bip = s("bip");
  if (s("iptables-chain-prefix")) out.iptablesChainPrefix = s("iptables-chain-prefix");
  const pools = o["default-address-pools"];
  if (pools !== undefined) {
    if (!Array.isArray(pools) || pools.some((p) => typeof p !== "object" || p === null || typeof p.base !== "string" || typeof p.size !== "number")) {
      throw new InvalidArgumentError(`config file ${file}: "default-address-pools" must be a list of {"base": CIDR, "size": number}`);
    }
    out.addressPools = (pools as AddressPool[]).map((p) => ({ base: p.base, size: p.size }));
    validatePools(out.addressPools);
  }
  checkNetworkNames(out);
  const insecure = o["insecure-registries"];
  if (insecure !== undefined) {
    if (!Array.isArray(insecure) || insecure.some((v) => typeof v !== "string")) {
      throw new InvalidArgumentError(`config file ${file}: "insecure-registries" must be an array of strings`);
    }
    try {
      out.insecureRegistries = (insecure as string[]).map(validateInsecureRegistry);
    } catch (e) {
      throw new InvalidArgumentError(`config file ${file}: "insecure-registries": ${(e as Error).message}`);
    }
  }
  return out;
}

export function parseFlags(argv: string[]): { flags: Partial<DaemonConfig>; help: boolean } {
  const flags: Partial<DaemonConfig> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const val = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new InvalidArgumentError(`flag needs an argument: ${name}`);
      return v;
    };
    switch (name) {
      case "-H":
      case "--host":
        flags.socketPath = hostToSocket(val());
        break;
      case "--data-root":
        flags.dataRoot = val();
        break;
      case "--exec-root":
        flags.execRoot = val();
        break;
      case "-p":
      case "--pidfile":
        flags.pidFile = val();
        break;
      case "--runtime":
      case "--default-runtime":
        flags.runtime = val();
        break;
      case "--cgroup-parent":
        flags.cgroupParent = val();
        break;
      case "--config-file":
        flags.configFile = val();
        break;
      case "--insecure-registry":
        flags.insecureRegistries = [...(flags.insecureRegistries ?? []), validateInsecureRegistry(val())];
        break;
      case "-b":
      case "--bridge":
      case "--bridge-name":
        flags.bridgeName = val();
        break;
      case "--bridge-prefix":
        flags.bridgePrefix = val();
        break;
      case "--bip":
        flags.bip = val();
        break;
      case "--default-address-pool":
        flags.addressPools = [...(flags.addressPools ?? []), parsePoolFlag(val())];
        break;
      case "--iptables-chain-prefix":
        flags.iptablesChainPrefix = val();
        break;
      case "-D":
      case "--debug":
        flags.debug = true;
        break;
      case "-h":
      case "--help":
        help = true;
        break;
      default:
        throw new InvalidArgumentError(`unknown flag: ${a}`);
    }
  }
  checkNetworkNames(flags);
  return { flags, help };
}

export async function loadConfig(argv: string[]): Promise<{ config: DaemonConfig; help: boolean }> {
  const { flags, help } = parseFlags(argv);
  const configFile = flags.configFile ?? DEFAULTS.configFile;
  const fromFile = await readConfigFile(configFile, flags.configFile !== undefined);
  const config = { ...DEFAULTS, ...fromFile, ...flags, configFile };
  config.insecureRegistries = [...new Set([...(fromFile.insecureRegistries ?? []), ...(flags.insecureRegistries ?? [])])];
  if (!config.pidFile) config.pidFile = `${config.execRoot}/berthd.pid`;
  return { config, help };
}
