/**
 * X-Registry-Auth: base64url of the JSON {username,password,serveraddress}
 * (11-login transcript); "{}" → "e30=" when anonymous, which is what the
 * docker CLI sends for every push/pull without stored credentials.
 */
export interface RegistryAuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Go's base64.URLEncoding (with padding) of the JSON, keys in Docker's order, empty fields left out. */
export function encodeRegistryAuth(auth: RegistryAuthConfig = {}): string {
  const o: Record<string, string> = {};
  for (const k of ["username", "password", "serveraddress", "identitytoken", "registrytoken"] as const) {
    const v = auth[k];
    if (v) o[k] = v;
  }
  return Buffer.from(JSON.stringify(o), "utf8").toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

export function decodeRegistryAuthHeader(header: string): RegistryAuthConfig {
  return JSON.parse(Buffer.from(header.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8")) as RegistryAuthConfig;
}
