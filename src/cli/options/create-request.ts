/**
 * Flags → POST /containers/create body. A pure function (the environment and
 * file reader are passed in) so every translation is unit-tested. Field
 * choices follow what docker CLI 28 sends (02/03 transcripts): AttachStdout/
 * AttachStderr true unless detached, NetworkMode "default", RestartPolicy
 * {"Name":"no"}, `--rm` as HostConfig.AutoRemove.
 */
import type { ContainerCreateRequest, HostConfig, PortBinding } from "../../apitypes/index.js";
import type { ContainerFlags } from "./container-flags.js";
import {
  FlagError,
  classifyVolume,
  parseCpus,
  parseEnvEntry,
  parseEnvFile,
  parseLabels,
  parseMount,
  parsePublishRanges,
  parseRamBytes,
  parseRestart,
  parseSwap,
  parseTmpfs,
  parseUlimit,
} from "./parsers.js";

export interface CreateInputs {
  flags: ContainerFlags;
  image: string;
  command: string[];
  /** true for `run -d` and for `create`: nothing attaches. */
  detach: boolean;
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => string;
  /** The client terminal's [rows, cols] when -t runs attached in a terminal (docker sends it as HostConfig.ConsoleSize). */
  consoleSize?: [number, number];
}

function parseInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new FlagError(`invalid argument "${text}" for "${flag}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number(text);
}

function buildHostConfig(flags: ContainerFlags, readOnlyVolumes: string[]): HostConfig {
  const host: HostConfig = {
    NetworkMode: flags.network ?? "default",
    RestartPolicy: parseRestart(flags.restart ?? "no"),
    AutoRemove: Boolean(flags.rm),
    Binds: readOnlyVolumes.length > 0 ? readOnlyVolumes : null,
  };
  if (flags.rm && host.RestartPolicy!.Name !== "no") throw new FlagError("Conflicting options: --restart and --rm");
  if (flags.memory !== undefined) host.Memory = parseRamBytes(flags.memory);
  if (flags.memorySwap !== undefined) host.MemorySwap = parseSwap(flags.memorySwap);
  if (flags.cpus !== undefined) host.NanoCpus = parseCpus(flags.cpus);
  if (flags.cpus !== undefined && (flags.cpuQuota !== undefined || flags.cpuPeriod !== undefined)) {
    throw new FlagError("Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set");
  }
  host.CpuShares = parseInteger("--cpu-shares", flags.cpuShares);
  host.CpuQuota = parseInteger("--cpu-quota", flags.cpuQuota);
  host.CpuPeriod = parseInteger("--cpu-period", flags.cpuPeriod);
  host.PidsLimit = parseInteger("--pids-limit", flags.pidsLimit);
  if (flags.readOnly) host.ReadonlyRootfs = true;
  if (flags.privileged) host.Privileged = true;
  if (flags.init) host.Init = true;
  if (flags.capAdd.length > 0) host.CapAdd = flags.capAdd;
  if (flags.capDrop.length > 0) host.CapDrop = flags.capDrop;
  if (flags.securityOpt.length > 0) host.SecurityOpt = flags.securityOpt;
  if (flags.ulimit.length > 0) host.Ulimits = flags.ulimit.map(parseUlimit);
  if (flags.mount.length > 0) host.Mounts = flags.mount.map(parseMount);
  if (flags.tmpfs.length > 0) host.Tmpfs = Object.fromEntries(flags.tmpfs.map(parseTmpfs));
  if (flags.volumesFrom?.length) host.VolumesFrom = flags.volumesFrom;
  if (flags.publish.length > 0) {
    const bindings: Record<string, PortBinding[]> = {};
    for (const spec of flags.publish) {
      for (const { port, binding } of parsePublishRanges(spec)) (bindings[port] ??= []).push(binding);
    }
    host.PortBindings = bindings;
  }
  if (flags.publishAll) host.PublishAllPorts = true;
  if (flags.dns?.length) host.Dns = flags.dns;
  if (flags.dnsSearch?.length) host.DnsSearch = flags.dnsSearch;
  if (flags.dnsOption?.length) host.DnsOptions = flags.dnsOption;
  if (flags.addHost?.length) host.ExtraHosts = flags.addHost;
  for (const key of Object.keys(host) as Array<keyof HostConfig>) if (host[key] === undefined) delete host[key];
  return host;
}

export function buildCreateRequest(input: CreateInputs): ContainerCreateRequest {
  const { flags, detach } = input;
  const env = [
    ...flags.envFile.flatMap((file) => parseEnvFile(input.readFile(file), input.env)),
    ...flags.env.map((entry) => parseEnvEntry(entry, input.env)),
  ];
  const binds: string[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  for (const spec of flags.volume) {
    const kind = classifyVolume(spec);
    if ("bind" in kind) binds.push(kind.bind);
    else volumes[kind.anonymous] = {};
  }
  const exposed: Record<string, Record<string, never>> = {};
  for (const spec of flags.expose) exposed[spec.includes("/") ? spec : `${spec}/tcp`] = {};
  for (const spec of flags.publish) for (const p of parsePublishRanges(spec)) exposed[p.port] = {};

  const interactive = Boolean(flags.interactive);
  const body: ContainerCreateRequest = {
    Hostname: flags.hostname ?? "",
    User: flags.user ?? "",
    AttachStdin: !detach && interactive,
    AttachStdout: !detach,
    AttachStderr: !detach,
    Tty: Boolean(flags.tty),
    OpenStdin: interactive,
    // docker CLI: stdin closes with the first attach that ends it, when run attaches stdin.
    StdinOnce: !detach && interactive,
    Env: env.length > 0 ? env : null,
    Cmd: input.command.length > 0 ? input.command : null,
    Image: input.image,
    WorkingDir: flags.workdir ?? "",
    // `--entrypoint ""` resets the image's entrypoint; docker sends [""] for it.
    Entrypoint: flags.entrypoint === undefined ? null : [flags.entrypoint],
    Labels: parseLabels(flags.label),
    HostConfig: buildHostConfig(flags, binds),
  };
  if (input.consoleSize && flags.tty) body.HostConfig!.ConsoleSize = input.consoleSize;
  if (Object.keys(volumes).length > 0) body.Volumes = volumes;
  if (Object.keys(exposed).length > 0) body.ExposedPorts = exposed;
  if (flags.stopSignal !== undefined) body.StopSignal = flags.stopSignal;
  if (flags.stopTimeout !== undefined) body.StopTimeout = parseInteger("--stop-timeout", flags.stopTimeout);
  const mode = flags.network;
  if (mode && !["default", "bridge", "host", "none"].includes(mode) && !mode.startsWith("container:")) {
    body.NetworkingConfig = { EndpointsConfig: { [mode]: {} } };
  }
  // --network-alias, --ip, --mac-address travel in the primary network's endpoint settings, as the docker CLI sends them
  if (flags.networkAlias?.length || flags.ip || flags.macAddress) {
    const key = !mode || mode === "default" ? "bridge" : mode;
    body.NetworkingConfig = {
      EndpointsConfig: {
        [key]: {
          ...(flags.networkAlias?.length ? { Aliases: flags.networkAlias } : {}),
          ...(flags.ip ? { IPAMConfig: { IPv4Address: flags.ip } } : {}),
          ...(flags.macAddress ? { MacAddress: flags.macAddress } : {}),
        },
      },
    };
  }
  return body;
}
