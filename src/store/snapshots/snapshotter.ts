/**
 * Layer store and overlay snapshotter.
 *
 * Terms:
 *  - diffId:  sha256 of a layer's *uncompressed* tar.
 *  - chainId: identity of a layer *with all its parents*:
 *             chainId(L0) = diffId(L0); chainId(Ln) = sha256(chainId(Ln-1) + " " + diffId(Ln)).
 *  - layer:   a committed, read-only directory holding one unpacked layer,
 *             keyed by chainId. It is unpacked once and shared by every image
 *             and container that has it. Overlay whiteouts (0:0 char devices,
 *             trusted.overlay.opaque=y) are already converted from OCI `.wh.` entries.
 *  - snapshot key: an *active* (writable) snapshot, one per container: an
 *             upper dir and a work dir on top of a chain of layers.
 *
 * Lifecycle of a container's root filesystem:
 *   prepare(key, parentChainId) → mount(key, target) → … → unmount(target) → remove(key)
 */
import type { Readable } from "node:stream";

export interface AppliedLayer {
  diffId: string;
  chainId: string;
  /** Bytes of the uncompressed tar. */
  size: number;
}

export interface SnapshotMount {
  /** "overlay", or "bind" when the chain is empty (a scratch image): then `source` is the upper dir. */
  type: "overlay" | "bind";
  source: string;
  options: string[];
}

export interface LayerStore {
  /**
   * Unpacks a layer tar (plain, gzip or zstd-less: plain and gzip are required) on top of
   * parentChainId (null for the base layer). Computes the diffId while unpacking;
   * when `expectedDiffId` is given and differs, nothing is kept (InvalidArgumentError).
   * Hostile entries (../, absolute names, traversal through symlinks) → InvalidArgumentError.
   * Returns quickly when the resulting chainId is already present (the stream is drained).
   */
  applyLayer(parentChainId: string | null, tar: Readable, expectedDiffId?: string): Promise<AppliedLayer>;
  hasLayer(chainId: string): Promise<boolean>;
  /** Directory holding the unpacked layer content (lowerdir entry). */
  layerDir(chainId: string): string;
  /** Ordered chain of layer chainIds from the base to chainId (inclusive). NotFoundError when missing. */
  chain(chainId: string): Promise<string[]>;
  /** Size on disk of this layer's directory (not the parents'). */
  layerSize(chainId: string): Promise<number>;
  /** Removes a layer directory; the caller guarantees nothing references it. */
  removeLayer(chainId: string): Promise<void>;
  /** Every stored chainId. */
  listLayers(): Promise<string[]>;

  /** Creates upper and work dirs for `key` on top of parentChainId (null = empty rootfs). */
  prepare(key: string, parentChainId: string | null): Promise<SnapshotMount>;
  /** The mount spec of an existing active snapshot. */
  mounts(key: string): Promise<SnapshotMount>;
  /** The upper (writable) dir of an active snapshot. */
  upperDir(key: string): string;
  /** Mounts the snapshot at target (mkdir -p target). Idempotent when already mounted there. */
  mount(key: string, target: string): Promise<void>;
  /** Unmounts target; no error when it is not mounted. */
  unmount(target: string): Promise<void>;
  /** Removes an active snapshot's dirs (must be unmounted). No error when absent. */
  remove(key: string): Promise<void>;
  listActive(): Promise<string[]>;
  /**
   * Turns an unmounted active snapshot's upper dir into the committed layer
   * `chainIdOf(parentChainId, diffId)` by renaming it (as containerd's overlay
   * snapshotter commits), instead of unpacking the same changes from a tar.
   * The caller computed `diffId`/`size` from the layer tar of exactly those
   * changes; the snapshot keeps an empty upper dir and must still be removed.
   * When the layer exists already, nothing moves.
   */
  adoptSnapshot?(key: string, parentChainId: string | null, diffId: string, size: number): Promise<AppliedLayer>;
}
