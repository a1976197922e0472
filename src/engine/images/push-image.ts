/**
 * docker push (moby distribution/push_v2.go), from berth's stores:
 *
 *   1. "The push refers to repository [name]" — sent first, even when the
 *      registry then turns out to be unreachable (transcript 10);
 *   2. each layer blob, topmost first for "Preparing", at most 3 at a time:
 *      HEAD → present: "Layer already exists"; else, when an image here has a
 *      repo digest in another repository of the same registry and contains
 *      the blob, a cross-repository mount is asked for ("Mounted from x");
 *      else the blob is streamed from the content store ("Pushing" … "Pushed");
 *   3. the config blob the same way, without progress lines;
 *   4. the manifest berth stored for the image (so the pushed digest is the
 *      one `docker images --digests` shows), or, when that blob is gone, one
 *      rebuilt from the record in the same format; PUT by tag;
 *   5. "<tag>: digest: sha256:… size: N", the aux {Tag, Digest, Size} line,
 *      and the repo digest `name@digest` recorded on the image, as Docker does.
 *
 * Without a tag in the reference every local tag of the repository is pushed.
 * Nothing local changes before the registry has accepted the manifest.
 */
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { shortId } from "../../oci/digest.js";
import { parseManifestDocument, type ImageManifest } from "../../oci/manifest.js";
import { MediaType, isManifestMediaType } from "../../oci/media-types.js";
import { familiarName, parseReference, referenceName, referenceString, type Reference } from "../../oci/reference.js";
import { withByteCount, type RegistryClient, type RegistryRepository } from "../../registry/client/index.js";
import type { ImageRecord } from "../../store/metadata/image-record.js";
import type { ImageContext } from "./image-deps.js";
import type { ProgressEvent, PushOptions, PushResult } from "./image-service.js";

const PARALLEL_UPLOADS = 3;

/** The manifest to push: the stored bytes when they are a manifest berth still has, else rebuilt from the record. */
async function manifestFor(ctx: ImageContext, rec: ImageRecord): Promise<{ bytes: Buffer; mediaType: string }> {
  if (isManifestMediaType(rec.manifestMediaType) && (await ctx.content.has(rec.manifestDigest))) {
    const bytes = await ctx.content.readBlob(rec.manifestDigest, 4 * 1024 * 1024);
    try {
      parseManifestDocument(bytes, rec.manifestMediaType);
      return { bytes, mediaType: rec.manifestMediaType };
    } catch {
      /* unreadable: rebuild below */
    }
  }
  const mediaType = rec.configMediaType === MediaType.dockerConfig ? MediaType.dockerManifest : MediaType.ociManifest;
  const m: ImageManifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: rec.configMediaType, digest: rec.id, size: rec.configSize },
    layers: rec.layers.map((l) => ({ mediaType: l.blobMediaType, digest: l.blobDigest, size: l.blobSize })),
  };
  return { bytes: Buffer.from(JSON.stringify(m)), mediaType };
}

/** Other repositories of the same registry that already hold `digest`, known from repo digests recorded here. */
function mountSources(ctx: ImageContext, target: Reference, digest: string): string[] {
  const out = new Set<string>();
  for (const rec of ctx.metadata.listRecords()) {
    if (rec.id !== digest && !rec.layers.some((l) => l.blobDigest === digest)) continue;
    for (const key of ctx.metadata.referencesTo(rec.id)) {
      const r = parseReference(key);
      if (r.digest !== undefined && r.domain === target.domain && r.path !== target.path) out.add(r.path);
    }
  }
  return [...out];
}

type BlobOutcome = "exists" | "mounted" | "pushed";

async function pushBlob(ctx: ImageContext, repo: RegistryRepository, target: Reference, blob: { digest: string; size: number }, o: { signal?: AbortSignal; onBytes?: (n: number) => void }): Promise<{ outcome: BlobOutcome; from?: string }> {
  if (await repo.blobExists(blob.digest, o.signal)) return { outcome: "exists" };
  const from = mountSources(ctx, target, blob.digest)[0];
  const session = await repo.startUpload({ signal: o.signal, mount: from ? { digest: blob.digest, from } : undefined });
  if (session === "mounted") return { outcome: "mounted", from };
  const src = await ctx.content.createReadStream(blob.digest);
  const body = o.onBytes ? withByteCount(src, o.onBytes) : src;
  try {
    await repo.finishUpload(session, body, blob.digest, { signal: o.signal });
  } finally {
    src.destroy();
  }
  return { outcome: "pushed" };
}

async function pushOneTag(ctx: ImageContext, client: RegistryClient, ref: Reference & { tag: string }, o: PushOptions): Promise<PushResult> {
  const emit = (e: ProgressEvent) => o.onProgress?.(e);
  const id = ctx.metadata.resolveReference(referenceString(ref));
  const rec = id === undefined ? undefined : ctx.metadata.getRecord(id);
  if (!rec) throw new NotFoundError(`An image does not exist locally with the tag: ${familiarName(ref)}`);
  for (const d of [rec.id, ...rec.layers.map((l) => l.blobDigest)]) {
    if (!(await ctx.content.has(d))) throw new FailedPreconditionError(`image ${shortId(rec.id)} cannot be pushed: its blob ${d} is missing from the content store`);
  }
  const repo = client.repository(ref, { credentials: o.auth, push: true });
  await repo.transport.ping(o.signal);
  const layers = [...rec.layers].reverse();
  for (const l of layers) emit({ id: shortId(l.diffId), status: "Preparing" });
  let running = 0;
  const waiters: Array<() => void> = [];
  const ac = new AbortController();
  const onAbort = () => ac.abort(o.signal?.reason);
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const uploads = layers.map(async (l) => {
      if (running >= PARALLEL_UPLOADS) await new Promise<void>((r) => waiters.push(r));
      running++;
      const lid = shortId(l.diffId);
      let last = 0;
      try {
        const r = await pushBlob(ctx, repo, ref, { digest: l.blobDigest, size: l.blobSize }, {
          signal: ac.signal,
          onBytes: (n) => {
            if (Date.now() - last < 100) return;
            last = Date.now();
            emit({ id: lid, status: "Pushing", current: n, total: l.blobSize });
          },
        });
        if (r.outcome === "exists") emit({ id: lid, status: "Layer already exists" });
        else if (r.outcome === "mounted") emit({ id: lid, status: `Mounted from ${r.from}` });
        else emit({ id: lid, status: "Pushed" });
      } catch (e) {
        ac.abort(e);
        throw e;
      } finally {
        running--;
        waiters.shift()?.();
      }
    });
    const settled = await Promise.allSettled(uploads);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    await pushBlob(ctx, repo, ref, { digest: rec.id, size: rec.configSize }, { signal: ac.signal });
    const manifest = await manifestFor(ctx, rec);
    const digest = await repo.putManifest(ref.tag, manifest.bytes, manifest.mediaType, ac.signal);
    await ctx.mutate(async () => {
      if (ctx.metadata.getRecord(rec.id)) await ctx.metadata.setReferences([`${referenceName(ref)}@${digest}`], rec.id);
    });
    emit({ status: `${ref.tag}: digest: ${digest} size: ${manifest.bytes.length}` });
    const result = { tag: ref.tag, digest, size: manifest.bytes.length };
    emit({ aux: { Tag: result.tag, Digest: result.digest, Size: result.size } });
    return result;
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
  }
}

/** Pushes `refStr` (name:tag, or every local tag of name). Returns the last tag's result. */
export async function pushImage(ctx: ImageContext, client: RegistryClient, refStr: string, o: PushOptions): Promise<PushResult> {
  const ref = parseReference(refStr);
  if (ref.digest !== undefined) throw new InvalidArgumentError(`cannot push a digest reference: ${refStr}`);
  const name = referenceName(ref);
  o.onProgress?.({ status: `The push refers to repository [${familiarName(ref)}]` });
  const tags =
    ref.tag !== undefined
      ? [ref.tag]
      : ctx.metadata
          .allReferences()
          .map(([key]) => parseReference(key))
          .filter((r) => referenceName(r) === name && r.tag !== undefined && r.digest === undefined)
          .map((r) => r.tag!)
          .sort();
  if (tags.length === 0) throw new NotFoundError(`An image does not exist locally with the tag: ${familiarName(ref)}`);
  let result: PushResult | undefined;
  for (const tag of tags) result = await pushOneTag(ctx, client, { ...ref, tag }, o);
  return result!;
}
