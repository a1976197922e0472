/**
 * OCI whiteouts → overlayfs whiteouts (OCI image-spec layer.md "Whiteouts").
 *
 *   dir/.wh.NAME       NAME was deleted in this layer → a 0:0 character
 *                      device at dir/NAME (how overlayfs marks a deletion).
 *   dir/.wh..wh..opq   dir is opaque: lower layers' children are hidden →
 *                      xattr trusted.overlay.opaque="y" on dir.
 *   dir/.wh..wh.*      other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs) →
 *                      ignored, as Docker does.
 * The reverse conversion (upper dir → layer tar) lives with the diff code.
 */
export const WHITEOUT_PREFIX = ".wh.";
export const WHITEOUT_META_PREFIX = ".wh..wh.";
export const WHITEOUT_OPAQUE = ".wh..wh..opq";
export const OVERLAY_OPAQUE_XATTR = "trusted.overlay.opaque";

export type Whiteout =
  | { kind: "opaque" }
  | { kind: "meta" }
  /** `target` is the base name being deleted. */
  | { kind: "whiteout"; target: string };

/** Classifies an entry's base name; undefined when it is an ordinary entry. */
export function parseWhiteout(base: string): Whiteout | undefined {
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  if (base === WHITEOUT_OPAQUE) return { kind: "opaque" };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: "meta" };
  const target = base.slice(WHITEOUT_PREFIX.length);
  // ".wh." alone, ".wh..", ".wh..." name nothing that can exist in a directory.
  if (target === "" || target === "." || target === "..") return { kind: "meta" };
  return { kind: "whiteout", target };
}
