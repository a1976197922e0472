/**
 * On-disk layout of `berth registry serve` (layout version 1). Every path the
 * registry touches is built in this file and nowhere else (distribution's
 * registry/storage/paths.go).
 *
 *   <root>/
 *     layout.json                       {"version":1}
 *     token-secret                      64 hex chars, mode 0600: HMAC-SHA256 key of issued tokens
 *     blobs/                            a LocalContentStore: every blob and manifest,
 *       blobs/sha256/<hex>              stored once and shared by all repositories
 *       ingest/<random>
 *     repositories/<name>/              <name> may have several "/" components
 *       _layers/sha256/<hex>            link: this repository may serve that blob
 *       _manifests/revisions/sha256/<hex>
 *                                       link: this manifest (its bytes are a blob) is in the repository
 *       _manifests/tags/<tag>           file holding the digest the tag points at
 *       _manifests/referrers/sha256/<subject hex>/sha256/<hex>
 *                                       JSON descriptor of a manifest whose subject is <subject>
 *     uploads/<uuid>/
 *       data                            bytes received so far
 *       state.json                      {"name": repository, "startedAt": ms}
 *     pending/<uuid>.json               a manifest PUT in flight: {"digests": [the manifest, what it
 *                                       references]}; GC keeps those blobs (see gc.ts)
 *     gc/berthd.lock                    held by a running `berth registry gc`
 *     gc/trash/<hex>                    blobs a GC is sweeping (restored at the next gc or server start)
 *
 * A link file holds the digest it names; its existence is what counts.
 * Terms: a *repository* is a named set of tags, manifests and blob links; a
 * *revision* is a manifest stored in it by digest; an *upload* is a blob push
 * session identified by a random uuid.
 *
 * Safety: a repository name, tag, digest and upload id are each validated
 * against a strict grammar before they become part of a path. Name components
 * start with [a-z0-9], so "..", "." and the "_layers"/"_manifests" directories
 * can never be named by a client; tags cannot start with "." (so they never
 * collide with writeFileAtomic's ".tmp-*" files); digests are sha256:<64 hex>.
 */
import path from "node:path";
import { RegistryError } from "./errcodes.js";

export const REGISTRY_LAYOUT_VERSION = 1;

const NAME_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const UUID_RE = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
export const MAX_NAME_LENGTH = 255;

export function isValidName(name: string): boolean {
  return typeof name === "string" && name.length <= MAX_NAME_LENGTH && NAME_RE.test(name);
}

/** NAME_INVALID unless `name` matches the distribution-spec grammar and is ≤ 255 chars. */
export function checkName(name: string): string {
  if (!isValidName(name)) throw new RegistryError("NAME_INVALID", { name: name.slice(0, 300) });
  return name;
}

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

export function isValidDigest(digest: string): boolean {
  return DIGEST_RE.test(digest);
}

/** DIGEST_INVALID unless sha256:<64 lowercase hex>; returns the hex. */
export function checkDigest(digest: string): string {
  if (!isValidDigest(digest)) throw new RegistryError("DIGEST_INVALID", { digest: String(digest).slice(0, 100) });
  return digest.slice(7);
}

export function isValidUploadId(id: string): boolean {
  return UUID_RE.test(id);
}

export class RegistryPaths {
  constructor(readonly root: string) {}

  layoutFile(): string {
    return path.join(this.root, "layout.json");
  }
  /** HMAC key of the token endpoint (--auth=token), 0600. */
  tokenSecretFile(): string {
    return path.join(this.root, "token-secret");
  }
  contentRoot(): string {
    return path.join(this.root, "blobs");
  }
  repositoriesDir(): string {
    return path.join(this.root, "repositories");
  }
  repository(name: string): string {
    return path.join(this.repositoriesDir(), checkName(name));
  }
  layersDir(name: string): string {
    return path.join(this.repository(name), "_layers", "sha256");
  }
  layerLink(name: string, digest: string): string {
    return path.join(this.layersDir(name), checkDigest(digest));
  }
  manifestsDir(name: string): string {
    return path.join(this.repository(name), "_manifests");
  }
  revisionsDir(name: string): string {
    return path.join(this.manifestsDir(name), "revisions", "sha256");
  }
  revisionLink(name: string, digest: string): string {
    return path.join(this.revisionsDir(name), checkDigest(digest));
  }
  tagsDir(name: string): string {
    return path.join(this.manifestsDir(name), "tags");
  }
  tagFile(name: string, tag: string): string {
    if (!isValidTag(tag)) throw new RegistryError("MANIFEST_INVALID", { tag: tag.slice(0, 200), reason: "invalid tag" });
    return path.join(this.tagsDir(name), tag);
  }
  referrersDir(name: string, subject: string): string {
    return path.join(this.manifestsDir(name), "referrers", "sha256", checkDigest(subject), "sha256");
  }
  referrerLink(name: string, subject: string, digest: string): string {
    return path.join(this.referrersDir(name, subject), checkDigest(digest));
  }
  uploadsDir(): string {
    return path.join(this.root, "uploads");
  }
  pendingDir(): string {
    return path.join(this.root, "pending");
  }
  pendingFile(id: string): string {
    if (!isValidUploadId(id)) throw new Error(`invalid pending id ${id.slice(0, 100)}`);
    return path.join(this.pendingDir(), `${id}.json`);
  }
  gcDir(): string {
    return path.join(this.root, "gc");
  }
  gcTrashDir(): string {
    return path.join(this.gcDir(), "trash");
  }
  gcTrash(digest: string): string {
    return path.join(this.gcTrashDir(), checkDigest(digest));
  }
  upload(id: string): string {
    if (!isValidUploadId(id)) throw new RegistryError("BLOB_UPLOAD_UNKNOWN", { upload: id.slice(0, 100) });
    return path.join(this.uploadsDir(), id);
  }
  uploadData(id: string): string {
    return path.join(this.upload(id), "data");
  }
  uploadState(id: string): string {
    return path.join(this.upload(id), "state.json");
  }
}
