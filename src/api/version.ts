/**
 * API version negotiation. The docker CLI sends HEAD /_ping, reads the
 * Api-Version header and prefixes every later path with /v<that> (transcript
 * 01). A path without a prefix means the newest version; a version outside
 * [MIN, MAX] is a 400 with Docker's wording.
 */
import { InvalidArgumentError } from "../errors/index.js";

export const MAX_API_VERSION = "1.43";
export const MIN_API_VERSION = "1.24";

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Splits "/v1.41/containers/json" into ("1.41", "/containers/json"). */
export function splitVersion(pathname: string): { version: string; path: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)?$/.exec(pathname);
  if (!m) {
    if (/^\/v[^/]*\//.test(pathname) && /^\/v\d/.test(pathname)) throw new InvalidArgumentError(`invalid API version in path: ${pathname.split("/")[1]}`);
    return { version: MAX_API_VERSION, path: pathname };
  }
  const version = m[1]!;
  if (compareVersions(version, MAX_API_VERSION) > 0) {
    throw new InvalidArgumentError(`client version ${version} is too new. Maximum supported API version is ${MAX_API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new InvalidArgumentError(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return { version, path: m[2] ?? "/" };
}
