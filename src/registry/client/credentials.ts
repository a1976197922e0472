/**
 * What a caller may hand the registry client to authenticate: the decoded
 * X-Registry-Auth header of the Engine API (base64url JSON of moby's
 * registry.AuthConfig: username, password, serveraddress, identitytoken,
 * registrytoken) or a `docker login` body. All fields are optional: an empty
 * object ("e30=", i.e. "{}") means anonymous.
 */
export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth refresh token from an earlier login (IdentityToken); used as the password at the token endpoint. */
  identityToken?: string;
  /** A bearer token to send as is, skipping the challenge. */
  registryToken?: string;
  serverAddress?: string;
}

export function hasBasicCredentials(c: Credentials | undefined): c is Credentials & { username: string } {
  return c !== undefined && typeof c.username === "string" && c.username !== "";
}

export function basicAuthHeader(c: Credentials & { username: string }): string {
  return "Basic " + Buffer.from(`${c.username}:${c.identityToken || c.password || ""}`).toString("base64");
}
