/**
 * chainId: the identity of a layer together with all layers below it
 * (OCI image-spec config.md "Layer ChainID"):
 *   chainId(L0) = diffId(L0)
 *   chainId(Ln) = "sha256:" + sha256hex(chainId(Ln-1) + " " + diffId(Ln))
 */
import { createHash } from "node:crypto";
import { InvalidArgumentError } from "../errors/index.js";

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

function check(what: string, d: string): void {
  if (!DIGEST_RE.test(d)) throw new InvalidArgumentError(`invalid ${what} ${JSON.stringify(d)}`);
}

export function chainIdOf(parentChainId: string | null, diffId: string): string {
  check("diffId", diffId);
  if (parentChainId === null) return diffId;
  check("chainId", parentChainId);
  return `sha256:${createHash("sha256").update(`${parentChainId} ${diffId}`).digest("hex")}`;
}

/** chainIds of every prefix of `diffIds`, base first. */
export function chainIdsOf(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  let parent: string | null = null;
  for (const d of diffIds) out.push((parent = chainIdOf(parent, d)));
  return out;
}
