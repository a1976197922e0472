/**
 * The docker CLI's config file ($DOCKER_CONFIG/config.json, default
 * ~/.docker/config.json), shared with `docker login`: credentials live in
 * `auths` as {"host:port":{"auth":"base64(user:pass)"}}; Docker Hub's key is
 * "https://index.docker.io/v1/". Other keys in the file are kept as they are.
 * Credential helpers (credsStore/credHelpers) are not supported: berth reads
 * and writes the plain `auths` entries only.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { RegistryAuthConfig } from "../client/index.js";

export const INDEX_SERVER = "https://index.docker.io/v1/";
export const INDEX_HOSTNAMES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  [k: string]: unknown;
}

interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  [k: string]: unknown;
}

export function configDir(env: NodeJS.ProcessEnv): string {
  return env["DOCKER_CONFIG"] || join(env["HOME"] || homedir(), ".docker");
}

export function configPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), "config.json");
}

/** registry.ConvertToHostname: drops the scheme and any path ("https://h:5000/v2/" → "h:5000"). */
export function convertToHostname(address: string): string {
  let s = address.replace(/^https?:\/\//, "");
  const slash = s.indexOf("/");
  if (slash >= 0) s = s.slice(0, slash);
  return s;
}

/** The key a registry host is stored under: Docker Hub → INDEX_SERVER, else "host:port". */
export function authKey(server: string | undefined): string {
  if (!server) return INDEX_SERVER;
  const host = convertToHostname(server);
  return INDEX_HOSTNAMES.has(host) || server === INDEX_SERVER ? INDEX_SERVER : host;
}

function readConfig(env: NodeJS.ProcessEnv): ConfigFile {
  let text: string;
  try {
    text = readFileSync(configPath(env), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw e;
  }
  if (!text.trim()) return {};
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${configPath(env)}: not a JSON object`);
  }
  return parsed as ConfigFile;
}

/** Docker writes the file with tab indentation, 0600, via a temp file + rename. */
function writeConfig(env: NodeJS.ProcessEnv, config: ConfigFile): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = configPath(env);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(config, null, "\t"), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function decodeEntry(entry: AuthEntry, serveraddress: string): RegistryAuthConfig {
  const out: RegistryAuthConfig = { serveraddress };
  if (typeof entry.auth === "string" && entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) {
      out.username = decoded.slice(0, colon);
      out.password = decoded.slice(colon + 1).replace(/\0+$/, "");
    }
  } else {
    if (typeof entry.username === "string") out.username = entry.username;
    if (typeof entry.password === "string") out.password = entry.password;
  }
  if (typeof entry.identitytoken === "string" && entry.identitytoken) out.identitytoken = entry.identitytoken;
  if (typeof entry.registrytoken === "string" && entry.registrytoken) out.registrytoken = entry.registrytoken;
  return out;
}

/**
 * Stored credentials for a registry host ("127.0.0.1:5000", "docker.io"), or
 * an anonymous {} when there are none. Keys are compared after
 * ConvertToHostname, so "http://h:5000" and "h:5000/v2/" match "h:5000".
 */
export function getCredentials(env: NodeJS.ProcessEnv, server: string | undefined): RegistryAuthConfig {
  const key = authKey(server);
  const auths = readConfig(env).auths ?? {};
  if (auths[key]) return decodeEntry(auths[key]!, key);
  for (const [k, entry] of Object.entries(auths)) {
    if (authKey(k) === key) return decodeEntry(entry, key);
  }
  return {};
}

/** Like getCredentials but undefined when nothing (or an empty entry) is stored. */
export function hasCredentials(env: NodeJS.ProcessEnv, server: string | undefined): boolean {
  const c = getCredentials(env, server);
  return Boolean(c.username || c.identitytoken);
}

/** Stores {"auth":"base64(user:pass)"} (plus identitytoken when the registry issued one). */
export function storeCredentials(env: NodeJS.ProcessEnv, server: string | undefined, auth: RegistryAuthConfig): void {
  const config = readConfig(env);
  const key = authKey(server);
  const auths = { ...(config.auths ?? {}) };
  const entry: AuthEntry = { auth: Buffer.from(`${auth.username ?? ""}:${auth.identitytoken ? "" : (auth.password ?? "")}`, "utf8").toString("base64") };
  if (auth.identitytoken) entry.identitytoken = auth.identitytoken;
  auths[key] = entry;
  writeConfig(env, { ...config, auths });
}

/** Removes every entry that names the host (bare, http://, https://, with paths). Returns whether any existed. */
export function eraseCredentials(env: NodeJS.ProcessEnv, server: string | undefined): boolean {
  const config = readConfig(env);
  const key = authKey(server);
  const auths = { ...(config.auths ?? {}) };
  let removed = false;
  for (const k of Object.keys(auths)) {
    if (k === key || authKey(k) === key) {
      delete auths[k];
      removed = true;
    }
  }
  if (removed) writeConfig(env, { ...config, auths });
  return removed;
}
