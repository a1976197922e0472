/**
 * What a stage carries from step to step: the image the last step produced,
 * its run config, the SHELL in force and the ARGs declared so far with their
 * values. ARG values reach RUN as environment variables and variable
 * substitution, never the image config (as Docker).
 */
import type { ImageRunConfig } from "../images/image-service.js";

export const DEFAULT_SHELL = ["/bin/sh", "-c"];

/** Build args usable without an ARG line (Docker's predefined proxy args); never in history. */
export const PREDEFINED_ARGS = new Set(["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"]);

export interface StageState {
  /** The current image: null while a `FROM scratch` stage has produced nothing yet. */
  imageId: string | null;
  config: ImageRunConfig;
  /** Whether CMD was set in this stage (an ENTRYPOINT then keeps it; otherwise it resets an inherited CMD). */
  cmdSet: boolean;
  /** ARGs declared in this stage, in order, with their resolved values. */
  args: Map<string, string | undefined>;
  /** The image config's author (MAINTAINER). */
  author?: string;
  platform?: { os: string; architecture: string };
}

export function envKey(e: string): string {
  const i = e.indexOf("=");
  return i < 0 ? e : e.slice(0, i);
}

/** Sets KEY=VALUE in an env list, replacing an existing KEY in place. */
export function setEnv(env: readonly string[], key: string, value: string): string[] {
  const out = [...env];
  const i = out.findIndex((e) => envKey(e) === key);
  if (i >= 0) out[i] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

/** The variables for substitution: ARG values, overridden by ENV (Docker: ENV wins). */
export function substitutionEnv(st: StageState): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of st.args) if (v !== undefined) env[k] = v;
  for (const e of st.config.Env ?? []) {
    const i = e.indexOf("=");
    env[i < 0 ? e : e.slice(0, i)] = i < 0 ? "" : e.slice(i + 1);
  }
  return env;
}

/** "K=V" of the declared args with a value that ENV does not shadow, sorted: RUN's extra env and its created_by prefix. */
export function runBuildArgs(st: StageState): string[] {
  const envKeys = new Set((st.config.Env ?? []).map(envKey));
  const out: string[] = [];
  for (const [k, v] of st.args) if (v !== undefined && !envKeys.has(k)) out.push(`${k}=${v}`);
  return out.sort();
}

export function shellOf(st: StageState): string[] {
  return st.config.Shell && st.config.Shell.length > 0 ? st.config.Shell : DEFAULT_SHELL;
}
