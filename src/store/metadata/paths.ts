/**
 * On-disk layout of the image metadata store. Every path is built here.
 *
 *   <root>/                          e.g. /var/lib/berth/metadata
 *     images/
 *       layout.json                  {"version": IMAGE_LAYOUT_VERSION}
 *       records/<hex>.json           one ImageRecord per image; <hex> = image ID (config digest) hex
 *       references.json              {"version": 1, "references": {"docker.io/library/busybox:latest": "sha256:…", …}}
 *
 * Every file is written with writeJsonAtomic (temp file, fsync, rename, fsync
 * dir). Write order when an image is added: its blobs (content store) and
 * layers (layer store) first, then its record, then references.json; when it
 * is removed: references.json first, then the record, then layers and blobs.
 * A kill -9 between steps therefore leaves at worst an untagged (dangling)
 * image or unreferenced blobs/layers, never a tag that points at nothing.
 *
 * Bump IMAGE_LAYOUT_VERSION when a record or the references file changes
 * shape incompatibly; `open` refuses a layout it does not know.
 */
import path from "node:path";
import { digestHex } from "../../oci/digest.js";

export const IMAGE_LAYOUT_VERSION = 1;

export class MetadataPaths {
  constructor(readonly root: string) {}

  imagesDir(): string {
    return path.join(this.root, "images");
  }

  layoutFile(): string {
    return path.join(this.imagesDir(), "layout.json");
  }

  recordsDir(): string {
    return path.join(this.imagesDir(), "records");
  }

  /** Throws InvalidArgumentError unless `id` is sha256:<64 hex>, so no path can escape. */
  recordFile(id: string): string {
    return path.join(this.recordsDir(), `${digestHex(id)}.json`);
  }

  referencesFile(): string {
    return path.join(this.imagesDir(), "references.json");
  }
}
