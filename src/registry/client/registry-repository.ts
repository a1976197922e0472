/**
 * One repository on one registry, over a RegistryTransport: the operations
 * pull and push are made of (reference/oci/distribution-spec/spec.md).
 *
 *   manifests  GET by tag or digest with Accept for all four manifest types,
 *              read through a 4 MiB cap and verified against the digest asked
 *              for (or the Docker-Content-Digest header); PUT by tag.
 *   blobs      HEAD (exists?), GET streamed straight into the content store,
 *              whose ingest verifies digest and size before the blob becomes
 *              visible (a mismatch or an abort leaves nothing behind).
 *   uploads    POST opens a session (optionally as a cross-repository mount,
 *              `?mount=<digest>&from=<repo>`, answered 201 when the registry
 *              could link the blob), then either one PATCH with the streamed
 *              body and a bodyless PUT `?digest=` (Docker's way, "chunked"), or
 *              one PUT `?digest=` carrying the body ("monolithic").
 */
import { Readable } from "node:stream";
import { InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { sha256Digest } from "../../oci/digest.js";
import { MAX_MANIFEST_BYTES, type Descriptor } from "../../oci/manifest.js";
import { MediaType } from "../../oci/media-types.js";
import type { BlobInfo, ContentStore } from "../../store/content/content-store.js";
import { registryError } from "./registry-errors.js";
import type { RegistryTransport } from "./registry-transport.js";

/** Every manifest type berth can use, preferred first (what Docker 28 sends, minus schema 1). */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest];

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export type UploadMode = "chunked" | "monolithic";

/**
 * The bytes of `src`, calling `onBytes(total so far)` as they pass. A
 * generator rather than a piped Transform so that an error on either side
 * (an abort, a failed ingest) ends both without an unhandled 'error'.
 */
export function withByteCount(src: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): Readable {
  async function* count(): AsyncGenerator<Uint8Array> {
    let n = 0;
    for await (const chunk of src) {
      n += chunk.length;
      onBytes(n);
      yield chunk;
    }
  }
  return Readable.from(count(), { objectMode: false });
}

/** Reads a response body whole, refusing more than `max` bytes. */
async function readCapped(res: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (declared > max) {
    await res.body?.cancel();
    throw new InvalidArgumentError(`${what} is ${declared} bytes, more than the ${max} allowed`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res.body ?? []) {
    size += c.length;
    if (size > max) throw new InvalidArgumentError(`${what} is more than the ${max} bytes allowed`);
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

export class RegistryRepository {
  constructor(
    readonly transport: RegistryTransport,
    /** Repository path on the registry ("library/busybox", "test/bb"). */
    readonly path: string,
  ) {}

  /** "127.0.0.1:5000/test/bb" */
  get name(): string {
    return `${this.transport.domain}/${this.path}`;
  }

  /** GET a manifest or index; NotFoundError "manifest for <name>:<ref> not found: …" when the registry has none. */
  async getManifest(ref: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const byDigest = ref.startsWith("sha256:");
    const shown = `${this.name}${byDigest ? "@" : ":"}${ref}`;
    const res = await this.transport.request({ method: "GET", path: `/v2/${this.path}/manifests/${ref}`, headers: { Accept: MANIFEST_ACCEPT.join(", ") }, signal });
    if (res.status !== 200) {
      throw registryError(res.status, await res.text().catch(() => ""), res.status === 404 ? `manifest for ${shown} not found` : `fetching manifest for ${shown}`);
    }
    const bytes = await readCapped(res, MAX_MANIFEST_BYTES, `manifest ${shown}`);
    const digest = sha256Digest(bytes);
    const claimed = res.headers.get("docker-content-digest");
    if ((byDigest && digest !== ref) || (claimed && claimed.startsWith("sha256:") && claimed !== digest)) {
      throw new InvalidArgumentError(`manifest verification failed for ${shown}: its bytes have digest ${digest}`);
    }
    const mediaType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
    return { bytes, mediaType, digest };
  }

  async blobExists(digest: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.transport.request({ method: "HEAD", path: `/v2/${this.path}/blobs/${digest}`, signal });
    await res.body?.cancel();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw registryError(res.status, "", `checking blob ${digest} in ${this.name}`);
  }

  /** GET a blob as a stream; NotFoundError when the registry does not have it. */
  async openBlob(digest: string, signal?: AbortSignal): Promise<Readable> {
    const res = await this.transport.request({ method: "GET", path: `/v2/${this.path}/blobs/${digest}`, signal });
    if (res.status !== 200 || !res.body) {
      const text = await res.text().catch(() => "");
      throw registryError(res.status, text, res.status === 404 ? `blob ${digest} not found in ${this.name}` : `fetching blob ${digest} from ${this.name}`);
    }
    return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  }

  /** Streams a blob into the content store, verified against the descriptor; nothing is kept on mismatch or abort. */
  async fetchBlobInto(content: ContentStore, d: Pick<Descriptor, "digest" | "size">, o: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}): Promise<BlobInfo> {
    const body = await this.openBlob(d.digest, o.signal);
    const counted = o.onBytes ? withByteCount(body, o.onBytes) : body;
    try {
      return await content.ingest(counted, { digest: d.digest, size: d.size });
    } catch (e) {
      body.destroy();
      if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`failed to verify blob ${d.digest} from ${this.name}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** A small blob (config) read whole and verified. */
  async fetchSmallBlob(d: Pick<Descriptor, "digest" | "size">, max: number, signal?: AbortSignal): Promise<Buffer> {
    if (d.size > max) throw new InvalidArgumentError(`blob ${d.digest} is ${d.size} bytes, more than the ${max} allowed`);
    const res = await this.transport.request({ method: "GET", path: `/v2/${this.path}/blobs/${d.digest}`, signal });
    if (res.status !== 200) {
      throw registryError(res.status, await res.text().catch(() => ""), res.status === 404 ? `blob ${d.digest} not found in ${this.name}` : `fetching blob ${d.digest}`);
    }
    const bytes = await readCapped(res, max, `blob ${d.digest}`);
    if (sha256Digest(bytes) !== d.digest || bytes.length !== d.size) {
      throw new InvalidArgumentError(`failed to verify blob ${d.digest} from ${this.name}: got ${bytes.length} bytes with digest ${sha256Digest(bytes)}`);
    }
    return bytes;
  }

  /**
   * Opens an upload session; with `mountFrom`, asks the registry to link the
   * blob from that repository instead. Returns "mounted", or the session URL.
   */
  async startUpload(o: { signal?: AbortSignal; mount?: { digest: string; from: string } } = {}): Promise<"mounted" | string> {
    const q = o.mount ? `?mount=${encodeURIComponent(o.mount.digest)}&from=${encodeURIComponent(o.mount.from)}` : "";
    if (o.mount) this.transport.addScope(`repository:${o.mount.from}:pull`);
    const res = await this.transport.request({ method: "POST", path: `/v2/${this.path}/blobs/uploads/${q}`, body: Buffer.alloc(0), signal: o.signal });
    const text = await res.text().catch(() => "");
    if (o.mount && res.status === 201) return "mounted";
    if (res.status !== 202) throw registryError(res.status, text, `starting an upload to ${this.name}`);
    return this.location(res);
  }

  private location(res: Response): string {
    const loc = res.headers.get("location");
    if (!loc) throw new InvalidArgumentError(`registry ${this.transport.domain} answered an upload without a Location`);
    return new URL(loc, this.transport.url("/")).toString();
  }

  /** Sends the blob's bytes to an open session and commits it under `digest`. */
  async finishUpload(sessionUrl: string, body: Readable, digest: string, o: { signal?: AbortSignal; mode?: UploadMode } = {}): Promise<void> {
    let url = sessionUrl;
    const octet = { "Content-Type": "application/octet-stream" };
    if ((o.mode ?? "chunked") === "chunked") {
      const patched = await this.transport.request({ method: "PATCH", path: url, headers: octet, body, signal: o.signal });
      const text = await patched.text().catch(() => "");
      if (patched.status !== 202) throw registryError(patched.status, text, `uploading blob ${digest} to ${this.name}`);
      url = this.location(patched);
    }
    const put = new URL(url);
    put.searchParams.set("digest", digest);
    const isMono = o.mode === "monolithic";
    const res = await this.transport.request({ method: "PUT", path: put.toString(), headers: isMono ? octet : {}, body: isMono ? body : Buffer.alloc(0), signal: o.signal });
    const text = await res.text().catch(() => "");
    if (res.status !== 201) throw registryError(res.status, text, `committing blob ${digest} to ${this.name}`);
  }

  /** PUT a manifest by tag (or digest); returns its digest. */
  async putManifest(ref: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
    const res = await this.transport.request({ method: "PUT", path: `/v2/${this.path}/manifests/${ref}`, headers: { "Content-Type": mediaType }, body: bytes, signal });
    const text = await res.text().catch(() => "");
    if (res.status !== 201) {
      if (res.status === 404) throw new NotFoundError(`pushing manifest for ${this.name}:${ref}: ${registryError(404, text).message}`);
      throw registryError(res.status, text, `pushing manifest for ${this.name}:${ref}`);
    }
    return sha256Digest(bytes);
  }
}
