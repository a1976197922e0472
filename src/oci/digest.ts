/**
 * Content digests: "sha256:" + 64 lowercase hex characters.
 *
 * berth only creates and accepts sha256 digests (as Docker does for images).
 * `parseDigest` validates a string coming from outside (an archive, a
 * manifest, a user); `sha256Digest` computes one from bytes.
 */
import { createHash } from "node:crypto";
import { InvalidArgumentError } from "../errors/index.js";

const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
const HEX64_RE = /^[a-f0-9]{64}$/;

export interface ParsedDigest {
  algorithm: "sha256";
  hex: string;
}

export function isDigest(value: unknown): boolean {
  return typeof value === "string" && SHA256_RE.test(value);
}

/** True for a bare 64-hex identifier (an image ID without its "sha256:"). */
export function isHex64(value: string): boolean {
  return HEX64_RE.test(value);
}

/** Validates "sha256:<64 hex>"; InvalidArgumentError otherwise. */
export function parseDigest(value: string): ParsedDigest {
  if (typeof value !== "string" || !isDigest(value)) {
    throw new InvalidArgumentError(`invalid digest ${JSON.stringify(String(value).slice(0, 100))}: expected sha256:<64 lowercase hex>`);
  }
  return { algorithm: "sha256", hex: value.slice(7) };
}

/** The hex part of a valid digest. */
export function digestHex(value: string): string {
  return parseDigest(value).hex;
}

export function sha256Digest(data: Uint8Array | string): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

/** Docker's short ID: the first 12 hex characters (stringid.TruncateID). */
export function shortId(id: string): string {
  const hex = id.startsWith("sha256:") ? id.slice(7) : id;
  return hex.slice(0, 12);
}
