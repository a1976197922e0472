/**
 * docker pull (moby distribution/pull_v2.go), on berth's stores:
 *
 *   1. resolve: GET the manifest by tag or digest (404 → NotFoundError before
 *      any progress is sent, so the API can still answer 404); an index
 *      picks the platform asked for (this host's by default);
 *   2. config: fetched through a size cap, verified, parsed; its diff_ids
 *      give each layer's chainId, and a layer whose chainId and blob are both
 *      here already is "Already exists";
 *   3. layers: downloaded in parallel (3 at a time) straight into the content
 *      store, which verifies digest and size before a blob becomes visible,
 *      and unpacked into the layer store in order as they arrive (a layer
 *      needs its parent's chainId, so unpacking is sequential);
 *   4. register: inside the image lock, registerImage (shared with load)
 *      writes the record with the tag and the `name@digest` repo digest. It
 *      is given views of the stores in which the layers unpacked in step 3
 *      are not read or unpacked a second time.
 *
 * Failure or abort (client gone → AbortSignal): pending downloads are
 * cancelled, a blob being downloaded never becomes visible (ingest removes
 * its temp file), layers this pull unpacked and no image uses are removed,
 * and nothing is registered. Verified blobs stay in the content store so a
 * second pull does not fetch them again.
 */
import { Readable } from "node:stream";
import { InvalidArgumentError, NotFoundError, NotImplementedError, UnavailableError } from "../../errors/index.js";
import { shortId } from "../../oci/digest.js";
import { MAX_CONFIG_BYTES, parseImageConfig, type ImageConfig } from "../../oci/image-config.js";
import { parseManifestDocument, type Descriptor, type ImageManifest, type ManifestDocument } from "../../oci/manifest.js";
import { isIndexMediaType, isManifestMediaType, layerCompression } from "../../oci/media-types.js";
import { formatPlatform, hostPlatform, selectPlatform, type Platform } from "../../oci/platform.js";
import { familiarString, normalizeReference, referenceName, referenceString, type Reference } from "../../oci/reference.js";
import type { RegistryClient, RegistryRepository } from "../../registry/client/index.js";
import type { ImageRecord } from "../../store/metadata/image-record.js";
import type { AppliedLayer, LayerStore } from "../../store/snapshots/snapshotter.js";
import type { ContentStore } from "../../store/content/content-store.js";
import type { ImageContext } from "./image-deps.js";
import type { ProgressEvent, PullOptions } from "./image-service.js";
import { decompressIfGzip } from "./layer-stream.js";
import { chainIdOf, registerImage } from "./register-image.js";

const PARALLEL_DOWNLOADS = 3;
const PROGRESS_INTERVAL_MS = 100;

interface Resolved {
  manifest: ImageManifest;
  manifestBytes: Buffer;
  manifestDigest: string;
  /** Digest the tag points at (the index's when there is one): the repo digest. */
  topDigest: string;
}

function parseDoc(bytes: Buffer, mediaType: string, what: string): ManifestDocument {
  const mt = isIndexMediaType(mediaType) || isManifestMediaType(mediaType) ? mediaType : undefined;
  try {
    return parseManifestDocument(bytes, mt);
  } catch (e) {
    throw new InvalidArgumentError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

async function resolveManifest(repo: RegistryRepository, ref: Reference, platform: Platform, signal?: AbortSignal): Promise<Resolved> {
  const top = await repo.getManifest(ref.digest ?? ref.tag!, signal);
  const doc = parseDoc(top.bytes, top.mediaType, `manifest ${top.digest}`);
  if (doc.kind === "manifest") return { manifest: doc, manifestBytes: top.bytes, manifestDigest: top.digest, topDigest: top.digest };
  const chosen = selectPlatform(doc.manifests.filter((d) => isManifestMediaType(d.mediaType)), platform);
  if (!chosen) throw new NotFoundError(`no matching manifest for ${formatPlatform(platform)} in the manifest list entries`);
  const m = await repo.getManifest(chosen.digest, signal);
  const inner = parseDoc(m.bytes, chosen.mediaType, `manifest ${m.digest}`);
  if (inner.kind !== "manifest") throw new InvalidArgumentError(`manifest ${m.digest} in index ${top.digest} is itself an index`);
  return { manifest: inner, manifestBytes: m.bytes, manifestDigest: m.digest, topDigest: top.digest };
}

async function fetchConfig(ctx: ImageContext, repo: RegistryRepository, d: Descriptor, signal?: AbortSignal): Promise<ImageConfig> {
  const bytes = (await ctx.content.has(d.digest)) ? await ctx.content.readBlob(d.digest, MAX_CONFIG_BYTES) : await repo.fetchSmallBlob(d, MAX_CONFIG_BYTES, signal);
  let config: ImageConfig;
  try {
    config = parseImageConfig(bytes);
  } catch (e) {
    throw new InvalidArgumentError(`image config ${d.digest}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  await ctx.content.writeBlob(bytes, d.digest);
  return config;
}

/** Runs `fn` over items with at most `limit` at once; results in input order. */
function limited<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R>[] {
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    running--;
    queue.shift()?.();
  };
  return items.map(async (t, i) => {
    if (running >= limit) await new Promise<void>((r) => queue.push(r));
    running++;
    try {
      return await fn(t, i);
    } finally {
      next();
    }
  });
}

/** Views of the stores for registerImage in which layers already unpacked by this pull are neither read nor unpacked again. */
function reusingViews(ctx: ImageContext, applied: Map<string, AppliedLayer>, appliedBlobs: Set<string>): ImageContext {
  const bind = <T extends object>(target: T, overrides: Partial<T>): T =>
    new Proxy(target, {
      get(t, p) {
        if (Object.prototype.hasOwnProperty.call(overrides, p)) return (overrides as Record<PropertyKey, unknown>)[p];
        const v = Reflect.get(t, p, t) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
  const content = bind<ContentStore>(ctx.content, {
    createReadStream: async (digest: string) => (appliedBlobs.has(digest) ? Readable.from([]) : ctx.content.createReadStream(digest)),
  });
  const layers = bind<LayerStore>(ctx.layers, {
    applyLayer: async (parent: string | null, tar: Readable, diffId?: string) => {
      const known = diffId === undefined ? undefined : applied.get(chainIdOf(parent, diffId));
      if (!known) return ctx.layers.applyLayer(parent, tar, diffId);
      tar.resume();
      if (!(await ctx.layers.hasLayer(known.chainId))) throw new UnavailableError(`layer ${known.chainId} was removed while the pull was running; pull again`);
      return known;
    },
  });
  return { ...ctx, content, layers };
}

export async function pullImage(ctx: ImageContext, client: RegistryClient, refStr: string, o: PullOptions): Promise<ImageRecord> {
  const ref = normalizeReference(refStr);
  const emit = (e: ProgressEvent) => o.onProgress?.(e);
  const ac = new AbortController();
  const onAbort = () => ac.abort(o.signal?.reason);
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const signal = ac.signal;
  const repo = client.repository(ref, { credentials: o.auth });
  const platform: Platform = o.platform ?? hostPlatform();
  const created: string[] = [];
  try {
    const resolved = await resolveManifest(repo, ref, platform, signal);
    emit({ id: ref.tag ?? ref.digest, status: `Pulling from ${ref.path}`, isMessage: true });
    const { manifest } = resolved;
    const config = await fetchConfig(ctx, repo, manifest.config, signal);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) {
      throw new InvalidArgumentError(`image ${manifest.config.digest}: the config lists ${diffIds.length} layers but the manifest ${manifest.layers.length}`);
    }
    for (const l of manifest.layers) {
      if (layerCompression(l.mediaType) === "zstd") throw new NotImplementedError(`layer ${l.digest}: zstd-compressed layers are not supported`);
    }
    const tagKey = ref.tag !== undefined ? referenceString({ ...ref, digest: undefined }) : undefined;
    const digestKey = `${referenceName(ref)}@${resolved.topDigest}`;
    const previous = ctx.metadata.resolveReference(tagKey ?? digestKey);
    const refs = [...(tagKey ? [tagKey] : []), digestKey];
    const existing = ctx.metadata.getRecord(manifest.config.digest);

    const applied = new Map<string, AppliedLayer>();
    const appliedBlobs = new Set<string>();
    if (!existing) {
      const chainIds: string[] = [];
      diffIds.forEach((d, i) => chainIds.push(chainIdOf(i === 0 ? null : chainIds[i - 1]!, d)));
      const present = await Promise.all(manifest.layers.map(async (l, i) => (await ctx.layers.hasLayer(chainIds[i]!)) && (await ctx.content.has(l.digest))));
      for (const [i, l] of manifest.layers.entries()) {
        emit({ id: shortId(l.digest), status: present[i] ? "Already exists" : "Pulling fs layer" });
      }
      const downloads = limited(manifest.layers, PARALLEL_DOWNLOADS, async (l, i) => {
        if (present[i]) return;
        const id = shortId(l.digest);
        let last = 0;
        await repo.fetchBlobInto(ctx.content, l, {
          signal,
          onBytes: (n) => {
            if (Date.now() - last < PROGRESS_INTERVAL_MS && n !== l.size) return;
            last = Date.now();
            emit({ id, status: "Downloading", current: n, total: l.size });
          },
        });
        emit({ id, status: "Verifying Checksum" });
        emit({ id, status: "Download complete" });
      });
      // The first failure cancels the other downloads with itself as the reason, so it is the error reported.
      downloads.forEach((p) => p.catch((e: unknown) => ac.abort(e)));
      let parent: string | null = null;
      for (const [i, l] of manifest.layers.entries()) {
        await downloads[i];
        if (!present[i]) {
          const id = shortId(l.digest);
          emit({ id, status: "Extracting", current: l.size, total: l.size });
          const existed = await ctx.layers.hasLayer(chainIds[i]!);
          const { stream } = await decompressIfGzip(await ctx.content.createReadStream(l.digest));
          const a = await ctx.layers.applyLayer(parent, stream, diffIds[i]!);
          if (!existed) created.push(a.chainId);
          applied.set(a.chainId, a);
          appliedBlobs.add(l.digest);
          emit({ id, status: "Pull complete" });
        }
        parent = chainIds[i]!;
      }
    }
    await ctx.content.writeBlob(resolved.manifestBytes, resolved.manifestDigest);
    const record = await ctx.mutate(async () => {
      if (existing && ctx.metadata.getRecord(existing.id)) {
        await ctx.metadata.setReferences(refs, existing.id);
        return existing;
      }
      return registerImage(reusingViews(ctx, applied, appliedBlobs), {
        configDigest: manifest.config.digest,
        config,
        configMediaType: manifest.config.mediaType,
        configSize: manifest.config.size,
        manifest: { digest: resolved.manifestDigest, mediaType: manifest.mediaType, size: resolved.manifestBytes.length },
        layers: manifest.layers,
        refs,
      });
    });
    created.length = 0; // registered: the layers are the image's now
    emit({ status: `Digest: ${resolved.topDigest}` });
    const shown = familiarString(ref);
    emit({ status: previous === record.id ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}` });
    return record;
  } catch (e) {
    ac.abort(e);
    throw e;
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    if (created.length > 0) {
      await ctx.mutate(async () => {
        const inUse = ctx.metadata.chainIdsInUse();
        for (const chainId of created.reverse()) if (!inUse.has(chainId)) await ctx.layers.removeLayer(chainId).catch(() => {});
      });
    }
  }
}
