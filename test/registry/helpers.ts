/**
 * Test helpers for the registry server: a registry on 127.0.0.1:0 in a temp
 * root, and small clients for the push steps (blob upload, manifest PUT).
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sha256Digest } from "../../src/oci/digest.js";
import { startRegistry, type RegistryOptions, type RunningRegistry } from "../../src/registry/server/serve.js";

export interface TestRegistry extends RunningRegistry {
  root: string;
  stop(): Promise<void>;
}

export async function startTestRegistry(opts: Partial<RegistryOptions> = {}): Promise<TestRegistry> {
  const root = opts.root ?? (await fs.mkdtemp(path.join(os.tmpdir(), "berth-registry-")));
  const errors: unknown[] = [];
  let reg: Awaited<ReturnType<typeof startRegistry>>;
  try {
    reg = await startRegistry({ host: "127.0.0.1", port: 0, ...opts, root, onError: (e) => errors.push(e) });
  } catch (e) {
    if (!opts.root) await fs.rm(root, { recursive: true, force: true });
    throw e;
  }
  return {
    ...reg,
    root,
    async stop() {
      await reg.close();
      if (!opts.root) await fs.rm(root, { recursive: true, force: true });
      assert.deepEqual(errors, [], "the registry logged internal errors");
    },
  };
}

export async function pushBlob(base: string, name: string, data: Buffer | string): Promise<string> {
  const digest = sha256Digest(data);
  const r = await fetch(`${base}/v2/${name}/blobs/uploads/?digest=${digest}`, { method: "POST", body: data });
  assert.equal(r.status, 201, await r.text());
  return digest;
}

export interface Pushed {
  digest: string;
  bytes: Buffer;
  size: number;
}

export async function putManifest(base: string, name: string, ref: string, doc: object, mediaType?: string): Promise<Response> {
  const bytes = Buffer.from(JSON.stringify(doc));
  return fetch(`${base}/v2/${name}/manifests/${ref}`, {
    method: "PUT",
    headers: { "Content-Type": mediaType ?? (doc as { mediaType?: string }).mediaType ?? "application/vnd.oci.image.manifest.v1+json" },
    body: bytes,
  });
}

/** Pushes a config and one layer and an OCI manifest for them; returns the manifest. */
export async function pushImage(base: string, name: string, tag: string, extra: Record<string, unknown> = {}, seed = "x"): Promise<Pushed & { doc: Record<string, unknown> }> {
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", seed, rootfs: { type: "layers", diff_ids: [] } }));
  const layer = Buffer.from(`layer-bytes-${seed}`);
  const cd = await pushBlob(base, name, config);
  const ld = await pushBlob(base, name, layer);
  const doc = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: cd, size: config.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: ld, size: layer.length }],
    ...extra,
  };
  const r = await putManifest(base, name, tag, doc);
  assert.equal(r.status, 201, await r.text());
  const bytes = Buffer.from(JSON.stringify(doc));
  return { digest: sha256Digest(bytes), bytes, size: bytes.length, doc };
}

export async function errorCode(r: Response): Promise<string> {
  const body = (await r.json()) as { errors: { code: string }[] };
  return body.errors[0]!.code;
}

/** Every file under `dir` (relative paths), for "nothing changed" checks. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}
