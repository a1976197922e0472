/**
 * Reference handling shared by pull and push: Docker's normalisation (no
 * host → docker.io, "busybox" → docker.io/library/busybox), the registry
 * host whose credentials are sent, and the familiar name the docker CLI puts
 * on the wire (fromImage=127.0.0.1:5001/bb, /images/busybox/push).
 */
import { familiarName, parseReference, referenceString, type Reference } from "../oci/reference.js";
import type { CliContext } from "./context.js";
import { CliError } from "./exit-codes.js";
import { getCredentials } from "./docker-config.js";
import type { RegistryAuthConfig } from "../client/index.js";

export interface ParsedRef {
  ref: Reference;
  /** What the user gets told about: "docker.io/library/busybox:latest". */
  full: string;
  /** Wire name: "busybox", "127.0.0.1:5001/bb". */
  familiar: string;
  /** Host for the credential lookup: "docker.io", "127.0.0.1:5001". */
  host: string;
  /** Whether ":latest" was added. */
  defaultedTag: boolean;
}

export function parseRemoteRef(input: string): ParsedRef {
  let ref: Reference;
  try {
    ref = parseReference(input);
  } catch (e) {
    throw new CliError(`invalid reference format: ${(e as Error).message.replace(/^invalid reference format:?\s*/, "") || "invalid reference format"}`.replace(/: invalid reference format$/, ""));
  }
  const defaultedTag = ref.tag === undefined && ref.digest === undefined;
  if (defaultedTag) ref = { ...ref, tag: "latest" };
  return { ref, full: referenceString(ref), familiar: familiarName(ref), host: ref.domain, defaultedTag };
}

export function credentialsFor(ctx: CliContext, host: string): RegistryAuthConfig {
  return getCredentials(ctx.env, host);
}
