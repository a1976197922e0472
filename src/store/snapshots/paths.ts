/**
 * On-disk layout of the overlay layer store (layout version 1).
 *
 *   <root>/
 *     layers/                     the cwd of every overlay mount (short, relative lowerdirs)
 *       empty/                    empty dir: the lowerdir of an image with no layers
 *       <chainId hex>/            a committed layer; appears only by rename, complete
 *         diff/                   the unpacked layer: an overlay lowerdir
 *         diffid                  "sha256:…" of the uncompressed tar
 *         parent                  parent chainId, or empty for a base layer
 *         size                    bytes of the uncompressed tar
 *       .tmp-<random>/            a layer being unpacked or removed; deleted at init
 *     snapshots/
 *       <key>/                    an active snapshot (one per container)
 *         upper/                  overlay upperdir: the container's writes
 *         work/                   overlay workdir
 *         parent                  chainId of the top layer, or empty
 *       .tmp-<random>/            a snapshot being prepared or removed; deleted at init
 *
 * Every path is built here. chainIds and keys are validated before they
 * become path components, so neither can contain "/" or "..".
 */
import path from "node:path";
import { randomBytes } from "node:crypto";
import { InvalidArgumentError } from "../../errors/index.js";

export const SNAPSHOT_LAYOUT_VERSION = 1;
export const TMP_PREFIX = ".tmp-";

const CHAIN_ID_RE = /^sha256:([0-9a-f]{64})$/;
const HEX_RE = /^[0-9a-f]{64}$/;
const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function chainHex(chainId: string): string {
  const m = CHAIN_ID_RE.exec(chainId);
  if (!m) throw new InvalidArgumentError(`invalid chainId ${JSON.stringify(String(chainId).slice(0, 100))}`);
  return m[1]!;
}

export function isLayerDirName(name: string): boolean {
  return HEX_RE.test(name);
}

export function checkKey(key: string): string {
  if (!KEY_RE.test(key)) throw new InvalidArgumentError(`invalid snapshot key ${JSON.stringify(String(key).slice(0, 140))}`);
  return key;
}

export class SnapshotPaths {
  constructor(readonly root: string) {}

  layersDir(): string {
    return path.join(this.root, "layers");
  }
  emptyLayer(): string {
    return path.join(this.layersDir(), "empty");
  }
  layer(chainId: string): string {
    return path.join(this.layersDir(), chainHex(chainId));
  }
  layerDiff(chainId: string): string {
    return path.join(this.layer(chainId), "diff");
  }
  /** lowerdir entry relative to layersDir() — what mount sees with cwd = layersDir(). */
  relLayerDiff(chainId: string): string {
    return `${chainHex(chainId)}/diff`;
  }
  /** The directory of short links (as Docker's overlay2 "l/"). */
  linksDir(): string {
    return path.join(this.layersDir(), "l");
  }
  /**
   * The short lowerdir name of a layer, relative to layersDir(): "l/<20 hex>",
   * a symlink to "../<hex>/diff". 23 bytes per lower instead of 70 lets
   * about 170 layers fit in the kernel's one-page option string, more than
   * Docker's own 125-layer limit.
   */
  relShortLink(chainId: string): string {
    return `l/${chainHex(chainId).slice(0, 20)}`;
  }
  layerFile(chainId: string, name: "diffid" | "parent" | "size"): string {
    return path.join(this.layer(chainId), name);
  }
  tmpLayer(): string {
    return path.join(this.layersDir(), `${TMP_PREFIX}${randomBytes(8).toString("hex")}`);
  }

  snapshotsDir(): string {
    return path.join(this.root, "snapshots");
  }
  snapshot(key: string): string {
    return path.join(this.snapshotsDir(), checkKey(key));
  }
  upper(key: string): string {
    return path.join(this.snapshot(key), "upper");
  }
  work(key: string): string {
    return path.join(this.snapshot(key), "work");
  }
  snapshotParent(key: string): string {
    return path.join(this.snapshot(key), "parent");
  }
  tmpSnapshot(): string {
    return path.join(this.snapshotsDir(), `${TMP_PREFIX}${randomBytes(8).toString("hex")}`);
  }
}
