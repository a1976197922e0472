/**
 * Small validators for untrusted JSON: each checks one field's type and
 * throws InvalidArgumentError naming the document and the field. Used by
 * manifest.ts and image-config.ts so that nothing from outside is cast.
 */
import { InvalidArgumentError } from "../errors/index.js";

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function fail(what: string, message: string): never {
  throw new InvalidArgumentError(`invalid ${what}: ${message}`);
}

/** JSON.parse of a buffer with a byte cap; the top-level value must be an object unless `allowArray`. */
export function parseJsonBytes(data: Uint8Array | string, what: string, maxBytes: number): unknown {
  const len = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
  if (len > maxBytes) fail(what, `${len} bytes exceeds the limit of ${maxBytes}`);
  const text = typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`invalid ${what}: not valid JSON`, { cause: e });
  }
}

export function optString(o: JsonObject, key: string, what: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") fail(what, `${key} must be a string`);
  return v;
}

export function reqString(o: JsonObject, key: string, what: string): string {
  const v = optString(o, key, what);
  if (v === undefined) fail(what, `${key} is missing`);
  return v;
}

export function optStringArray(o: JsonObject, key: string, what: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) fail(what, `${key} must be an array of strings`);
  return v as string[];
}

export function optStringMap(o: JsonObject, key: string, what: string): Record<string, string> | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === "string")) fail(what, `${key} must be a map of strings`);
  return { ...(v as Record<string, string>) };
}

export function optObjectMap(o: JsonObject, key: string, what: string): Record<string, object> | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || !Object.values(v).every((x) => isObject(x))) fail(what, `${key} must be a map of objects`);
  return { ...(v as Record<string, object>) };
}

export function optBoolean(o: JsonObject, key: string, what: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") fail(what, `${key} must be a boolean`);
  return v;
}
