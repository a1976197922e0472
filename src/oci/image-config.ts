/**
 * The OCI image config (reference/oci/image-spec/config.md), which is also
 * Docker's image JSON. Its digest is the image ID. `parseImageConfig`
 * type-checks every field berth reads and keeps the others as they are.
 */
import { isDigest } from "./digest.js";
import {
  fail, isObject, optBoolean, optObjectMap, optString, optStringArray, optStringMap, parseJsonBytes, reqString, type JsonObject,
} from "./json-check.js";

export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export interface RunConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: unknown;
  OnBuild?: string[] | null;
  Shell?: string[];
  ArgsEscaped?: boolean;
}

export interface ConfigHistory {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: RunConfig;
  rootfs: { type: "layers"; diff_ids: string[] };
  history?: ConfigHistory[];
  [extra: string]: unknown;
}

const WHAT = "image config";

function parseRunConfig(v: unknown): RunConfig | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(WHAT, "config must be an object");
  const w = `${WHAT} config`;
  const rc: RunConfig & JsonObject = {
    ...v,
    User: optString(v, "User", w),
    ExposedPorts: optObjectMap(v, "ExposedPorts", w),
    Env: optStringArray(v, "Env", w),
    Entrypoint: v["Entrypoint"] === null ? null : optStringArray(v, "Entrypoint", w),
    Cmd: v["Cmd"] === null ? null : optStringArray(v, "Cmd", w),
    Volumes: optObjectMap(v, "Volumes", w),
    WorkingDir: optString(v, "WorkingDir", w),
    Labels: optStringMap(v, "Labels", w),
    StopSignal: optString(v, "StopSignal", w),
    OnBuild: v["OnBuild"] === null ? null : optStringArray(v, "OnBuild", w),
    Shell: optStringArray(v, "Shell", w),
    ArgsEscaped: optBoolean(v, "ArgsEscaped", w),
  };
  for (const k of Object.keys(rc)) if (rc[k] === undefined) delete rc[k];
  return rc;
}

function parseHistory(v: unknown): ConfigHistory[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(WHAT, "history must be an array");
  return v.map((h, i) => {
    if (!isObject(h)) fail(WHAT, `history[${i}] must be an object`);
    const w = `${WHAT} history[${i}]`;
    const out: ConfigHistory = {};
    const created = optString(h, "created", w);
    if (created !== undefined) out.created = created;
    const createdBy = optString(h, "created_by", w);
    if (createdBy !== undefined) out.created_by = createdBy;
    const author = optString(h, "author", w);
    if (author !== undefined) out.author = author;
    const comment = optString(h, "comment", w);
    if (comment !== undefined) out.comment = comment;
    const empty = optBoolean(h, "empty_layer", w);
    if (empty !== undefined) out.empty_layer = empty;
    return out;
  });
}

/** Parses and validates a config blob. InvalidArgumentError when it is not a usable image config. */
export function parseImageConfig(data: Uint8Array | string): ImageConfig {
  const v = parseJsonBytes(data, WHAT, MAX_CONFIG_BYTES);
  if (!isObject(v)) fail(WHAT, "top level must be an object");
  const rootfs = v["rootfs"];
  if (!isObject(rootfs)) fail(WHAT, "rootfs is missing");
  if (rootfs["type"] !== "layers") fail(WHAT, 'rootfs.type must be "layers"');
  const diffIds = optStringArray(rootfs, "diff_ids", `${WHAT} rootfs`) ?? [];
  for (const d of diffIds) if (!isDigest(d)) fail(WHAT, `diff_id ${JSON.stringify(d.slice(0, 80))} is not sha256:<64 hex>`);
  const cfg: ImageConfig = {
    ...v,
    architecture: reqString(v, "architecture", WHAT),
    os: reqString(v, "os", WHAT),
    rootfs: { type: "layers", diff_ids: diffIds },
  };
  const created = optString(v, "created", WHAT);
  if (created !== undefined && Number.isNaN(Date.parse(created))) fail(WHAT, "created is not a valid date");
  optString(v, "author", WHAT);
  optString(v, "variant", WHAT);
  const run = parseRunConfig(v["config"]);
  if (run === undefined) delete cfg.config;
  else cfg.config = run;
  const history = parseHistory(v["history"]);
  if (history === undefined) delete cfg.history;
  else cfg.history = history;
  const nonEmpty = (history ?? []).filter((h) => !h.empty_layer).length;
  if (history !== undefined && history.length > 0 && nonEmpty > diffIds.length) {
    fail(WHAT, "too many non-empty layers in history section");
  }
  return cfg;
}
