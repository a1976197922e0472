/**
 * Turning a create request into a container record: the image's defaults
 * merged under the user's config as Docker merges them
 * (daemon/create.go + runconfig merge): Env by key, Cmd dropped when the
 * user sets an Entrypoint, image Entrypoint/Cmd/WorkingDir/User/Labels/
 * ExposedPorts/Volumes/StopSignal as defaults.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { Image } from "../images/image-service.js";
import { imageHealthcheck, mergeHealthcheck } from "./health-config.js";
import type { ContainerConfig, ContainerRecord, HostConfigSpec } from "./types.js";

export interface CreateContainerInput {
  name?: string;
  config: ContainerConfig;
  hostConfig: HostConfigSpec;
  /** NetworkingConfig.EndpointsConfig: network name → aliases, static address, MAC. */
  endpoints?: Record<string, { aliases?: string[]; ipv4Address?: string; macAddress?: string }>;
}

function envKey(e: string): string {
  const i = e.indexOf("=");
  return i < 0 ? e : e.slice(0, i);
}

export function mergeEnv(imageEnv: string[], userEnv: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of imageEnv) out.set(envKey(e), e);
  for (const e of userEnv) out.set(envKey(e), e);
  return [...out.values()];
}

export function mergeImageConfig(cfg: ContainerConfig, image: Image): ContainerConfig {
  const ic = image.config.config ?? {};
  const merged: ContainerConfig = { ...cfg };
  merged.env = mergeEnv(ic.Env ?? [], cfg.env);
  if (cfg.entrypoint === null || cfg.entrypoint === undefined) {
    merged.entrypoint = ic.Entrypoint ?? null;
    if (!cfg.cmd || cfg.cmd.length === 0) merged.cmd = ic.Cmd ?? null;
  } else if (!cfg.cmd || cfg.cmd.length === 0) {
    merged.cmd = null; // a user Entrypoint resets the image's Cmd
  }
  if (merged.entrypoint && merged.entrypoint.length === 1 && merged.entrypoint[0] === "") merged.entrypoint = null;
  merged.workingDir = cfg.workingDir || ic.WorkingDir || "";
  merged.user = cfg.user || ic.User || "";
  merged.labels = { ...(ic.Labels ?? {}), ...cfg.labels };
  merged.exposedPorts = { ...(ic.ExposedPorts ?? {}), ...cfg.exposedPorts };
  // the user's Volumes add to the image's (the docker CLI always sends "Volumes": {})
  const volumes = { ...(ic.Volumes ?? {}), ...(cfg.volumes ?? {}) };
  merged.volumes = Object.keys(volumes).length ? volumes : null;
  merged.stopSignal = cfg.stopSignal || ic.StopSignal || undefined;
  merged.healthcheck = mergeHealthcheck(cfg.healthcheck, imageHealthcheck(ic.Healthcheck));
  if (!merged.healthcheck) delete merged.healthcheck;
  return merged;
}

export function commandOf(cfg: ContainerConfig): { path: string; args: string[] } {
  const argv = [...(cfg.entrypoint ?? []), ...(cfg.cmd ?? [])];
  if (argv.length === 0) throw new InvalidArgumentError("No command specified");
  return { path: argv[0]!, args: argv.slice(1) };
}

export function newRecord(id: string, name: string, image: Image, input: CreateContainerInput, runtime: string): ContainerRecord {
  const config = mergeImageConfig(input.config, image);
  const { path, args } = commandOf(config);
  if (!config.hostname) config.hostname = input.hostConfig.networkMode === "host" ? "" : id.slice(0, 12);
  return {
    id,
    name,
    created: new Date().toISOString(),
    imageId: image.id,
    path,
    args,
    config,
    hostConfig: { ...input.hostConfig, runtime: input.hostConfig.runtime || runtime },
    state: { status: "created" },
    restartCount: 0,
    stoppedByUser: false,
    runtime: input.hostConfig.runtime || runtime,
  };
}
