/**
 * archive/: tar streaming for layers — unpack with path safety and overlay
 * whiteouts, chainIds, and the native helper for what Node cannot do.
 */
export { unpackLayer, type UnpackResult } from "./unpack.js";
export { chainIdOf, chainIdsOf } from "./chain-id.js";
export { fsutilBinary } from "./fsutil.js";
export { lgetxattr } from "../sys/syscall-helper.js";
export { OVERLAY_OPAQUE_XATTR, parseWhiteout, WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from "./whiteout.js";
