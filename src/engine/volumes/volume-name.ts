/**
 * Volume names as Docker's local driver accepts them
 * (volume/local/local.go validateName): `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, at
 * least two characters. A name becomes a directory under the data root, so
 * the check is also what keeps `../x`, slashes and NUL bytes out of paths;
 * the length cap keeps it one path component (NAME_MAX is 255).
 */
import { randomBytes } from "node:crypto";
import { InvalidArgumentError } from "../../errors/index.js";

const VALID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
export const MAX_VOLUME_NAME = 255;

export function validateVolumeName(name: string): void {
  if (!VALID.test(name) || name.length > MAX_VOLUME_NAME) {
    const shown = name.length > 300 ? `${name.slice(0, 300)}…` : name;
    throw new InvalidArgumentError(`create ${shown}: "${shown}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

/** An anonymous volume's name: 64 hex characters, as Docker generates them. */
export function newAnonymousName(): string {
  return randomBytes(32).toString("hex");
}

/** Docker labels the volumes it creates for `-v /path` and image VOLUMEs with this (API ≥ 1.42 prune reads it). */
export const ANONYMOUS_LABEL = "com.docker.volume.anonymous";
