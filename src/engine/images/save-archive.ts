/**
 * docker save: one tar that is both a docker-archive and an OCI image layout,
 * as Docker 25+ writes it:
 *
 *   blobs/sha256/<hex>     config, manifest and layer blobs, each once
 *   index.json             OCI index: one entry per (manifest, name), annotated with
 *                          io.containerd.image.name and org.opencontainers.image.ref.name
 *   manifest.json          [{"Config":"blobs/sha256/<hex>","RepoTags":[…],"Layers":["blobs/sha256/<hex>",…]}]
 *   oci-layout             {"imageLayoutVersion":"1.0.0"}
 *   repositories           {"busybox":{"latest":"<hex of the top layer blob>"}} (tagged images only)
 *
 * A ref that is a name saves that tag only; a ref that is an ID saves the
 * image with no RepoTags. Blobs stream from the content store into the tar
 * with their sizes; each entry waits for the tar stream to drain.
 */
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { familiarName, familiarString, parseReference } from "../../oci/reference.js";
import { MediaType } from "../../oci/media-types.js";
import type { ImageRecord } from "../../store/metadata/image-record.js";
import { recordBlobs } from "../../store/metadata/image-record.js";
import type { ImageContext } from "./image-deps.js";
import { resolveImage } from "./resolve-image.js";
import { CONTAINERD_NAME_ANNOTATION, OCI_REF_NAME_ANNOTATION } from "./load-oci-layout.js";

interface SavedImage {
  record: ImageRecord;
  /** Full reference keys (tags) to write for this image. */
  tags: string[];
}

function collect(ctx: ImageContext, refs: string[]): SavedImage[] {
  const byId = new Map<string, SavedImage>();
  for (const ref of refs) {
    const { record, referenceKey } = resolveImage(ctx.metadata, ref);
    const saved = byId.get(record.id) ?? { record, tags: [] };
    byId.set(record.id, saved);
    if (referenceKey !== undefined && parseReference(referenceKey).tag !== undefined && !saved.tags.includes(referenceKey)) {
      saved.tags.push(referenceKey);
    }
  }
  return [...byId.values()];
}

const blobPath = (digest: string): string => `blobs/sha256/${digest.slice(7)}`;

function documents(images: SavedImage[]): Array<[string, string]> {
  const manifests = [];
  const dockerManifest = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { record, tags } of images) {
    const desc = { mediaType: record.manifestMediaType, digest: record.manifestDigest, size: record.manifestSize };
    if (tags.length === 0) manifests.push(desc);
    for (const key of tags) {
      const ref = parseReference(key);
      manifests.push({ ...desc, annotations: { [CONTAINERD_NAME_ANNOTATION]: key, [OCI_REF_NAME_ANNOTATION]: ref.tag ?? "" } });
      const top = record.layers[record.layers.length - 1];
      if (top && ref.tag !== undefined) (repositories[familiarName(ref)] ??= {})[ref.tag] = top.blobDigest.slice(7);
    }
    dockerManifest.push({
      Config: blobPath(record.id),
      RepoTags: tags.map((t) => familiarString(t)),
      Layers: record.layers.map((l) => blobPath(l.blobDigest)),
    });
  }
  const out: Array<[string, string]> = [
    ["index.json", JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }) + "\n"],
    ["manifest.json", JSON.stringify(dockerManifest) + "\n"],
    ["oci-layout", JSON.stringify({ imageLayoutVersion: "1.0.0" })],
  ];
  if (Object.keys(repositories).length > 0) out.push(["repositories", JSON.stringify(repositories) + "\n"]);
  return out;
}

async function addBlob(ctx: ImageContext, pack: tar.Pack, digest: string, mtime: Date): Promise<void> {
  const { size } = await ctx.content.info(digest);
  const src = await ctx.content.createReadStream(digest);
  let done!: (err?: Error | null) => void;
  const finished = new Promise<void>((resolve, reject) => (done = (err) => (err ? reject(err) : resolve())));
  const entry = pack.entry({ name: blobPath(digest), size, mode: 0o644, mtime }, (err) => done(err));
  try {
    for await (const chunk of src) {
      if (!entry.write(chunk)) await once(entry, "drain");
    }
    entry.end(null);
  } catch (e) {
    entry.destroy(e instanceof Error ? e : new Error(String(e)));
    throw e;
  } finally {
    src.destroy();
  }
  await finished;
}

export async function saveArchive(ctx: ImageContext, refs: string[], out: NodeJS.WritableStream): Promise<void> {
  const images = collect(ctx, refs); // NotFoundError before any byte is written
  const pack = tar.pack();
  const piping = pipeline(pack, out);
  const mtime = new Date(0);
  try {
    pack.entry({ name: "blobs/", type: "directory", mode: 0o755, mtime });
    pack.entry({ name: "blobs/sha256/", type: "directory", mode: 0o755, mtime });
    const written = new Set<string>();
    for (const { record } of images) {
      for (const digest of recordBlobs(record)) {
        if (written.has(digest)) continue;
        written.add(digest);
        await addBlob(ctx, pack, digest, mtime);
      }
    }
    for (const [name, text] of documents(images)) pack.entry({ name, mode: 0o644, mtime }, text);
    pack.finalize();
  } catch (e) {
    pack.destroy(e instanceof Error ? e : new Error(String(e)));
    await piping.catch(() => {});
    throw e;
  }
  await piping;
}
