/**
 * Registry server under hostile input: malformed digests and names (raw
 * paths, not normalised by a URL parser), manifests referencing missing
 * blobs, oversized manifests, and clients that stop mid-upload. Each gets a
 * spec error and leaves storage consistent.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sha256Digest } from "../../src/oci/digest.js";
import { errorCode, listFiles, pushBlob, pushImage, putManifest, startTestRegistry, type TestRegistry } from "./helpers.js";

interface RawResponse {
  status: number;
  body: string;
}

/** An HTTP request with the path sent exactly as given. */
function raw(base: string, method: string, rawPath: string, body?: Buffer | string): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: rawPath }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function code(r: RawResponse): string {
  return (JSON.parse(r.body) as { errors: { code: string }[] }).errors[0]!.code;
}

async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe("registry server: hostile input", () => {
  let reg: TestRegistry;
  let base: string;
  let outside: string[];
  let parent: string;
  before(async () => {
    // a parent of its own: /tmp itself changes under tests running in parallel
    parent = await fs.mkdtemp(path.join(os.tmpdir(), "berth-hostile-"));
    reg = await startTestRegistry({ root: path.join(parent, "root") });
    base = reg.url;
    await pushImage(base, "good/repo", "v1");
    outside = await fs.readdir(parent);
  });
  after(async () => {
    const now = await fs.readdir(parent);
    await reg.stop(); // before asserting: a registry left open would keep this test process alive
    await fs.rm(parent, { recursive: true, force: true });
    assert.deepEqual(now, outside, "nothing was created outside the root");
  });

  test("bad digests → 400 DIGEST_INVALID everywhere", async () => {
    const bad = ["sha256:../../x", "sha256:abc", "sha256:" + "A".repeat(64), "md5:" + "a".repeat(32), "sha256:" + "a".repeat(65), "sha256:%2e%2e%2fx"];
    for (const d of bad) {
      for (const [method, p] of [
        ["GET", `/v2/good/repo/blobs/${d}`],
        ["HEAD", `/v2/good/repo/blobs/${d}`],
        ["DELETE", `/v2/good/repo/blobs/${d}`],
        ["POST", `/v2/good/repo/blobs/uploads/?digest=${d}`],
        ["POST", `/v2/good/repo/blobs/uploads/?mount=${d}&from=good/repo`],
        ["GET", `/v2/good/repo/manifests/${d}`],
        ["GET", `/v2/good/repo/referrers/${d}`],
      ] as const) {
        const r = await raw(base, method, p, method === "POST" ? "data" : undefined);
        // "sha256:../../x" splits into path segments: no route or name matches → 4xx, never a file access.
        assert.ok(r.status === 400 || r.status === 404, `${method} ${p}: ${r.status}`);
        if (r.status === 400 && method !== "HEAD") assert.equal(code(r), "DIGEST_INVALID", `${method} ${p}`);
      }
    }
    const short = await raw(base, "GET", `/v2/good/repo/blobs/sha256:abc`);
    assert.equal(short.status, 400);
    const loc = (await fetch(`${base}/v2/good/repo/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    const fin = await raw(base, "PUT", `${loc}?digest=sha256:../../x`, "x");
    assert.equal(fin.status, 400);
    assert.equal(code(fin), "DIGEST_INVALID");
  });

  test("invalid repository names → 400 NAME_INVALID and nothing on disk", async () => {
    const names = ["UPPER", "a/../b", "..", "a/./b", "a//b", "-a", "a-", "%2e%2e", "a%2f..%2fb", "x".repeat(300), "a/_layers", "."];
    for (const n of names) {
      for (const [method, suffix] of [
        ["GET", "/tags/list"],
        ["GET", "/manifests/latest"],
        ["POST", "/blobs/uploads/"],
        ["PUT", "/manifests/latest"],
      ] as const) {
        const r = await raw(base, method, `/v2/${n}${suffix}`, method === "GET" ? undefined : "{}");
        assert.ok(r.status === 400 || r.status === 404, `${method} ${n}${suffix} → ${r.status}`);
        if (r.status === 400) assert.equal(code(r), "NAME_INVALID", `${method} ${n}${suffix}`);
      }
    }
    const r = await raw(base, "GET", `/v2/UPPER/tags/list`);
    assert.equal(r.status, 400);
    const long = await raw(base, "GET", `/v2/${"a".repeat(256)}/tags/list`);
    assert.equal(code(long), "NAME_INVALID");
    const ok255 = await raw(base, "GET", `/v2/${"a".repeat(255)}/tags/list`);
    assert.equal(code(ok255), "NAME_UNKNOWN");
    const repos = await listFiles(path.join(reg.root, "repositories"));
    assert.ok(repos.every((f) => f.startsWith("good/repo/")), repos.join(","));
    const cat = (await (await fetch(`${base}/v2/_catalog`)).json()) as { repositories: string[] };
    assert.deepEqual(cat.repositories, ["good/repo"]);
  });

  test("invalid tags → 400", async () => {
    for (const t of [".hidden", "-dash", "x".repeat(129), "a%2fb"]) {
      const r = await raw(base, "PUT", `/v2/good/repo/manifests/${t}`, "{}");
      assert.equal(r.status, 400, t);
    }
  });

  test("manifest referencing a missing blob → MANIFEST_BLOB_UNKNOWN, nothing stored", async () => {
    const cfg = await pushBlob(base, "good/repo", "cfg-for-missing");
    const doc = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: cfg, size: 15 },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha256Digest("missing"), size: 7 }],
    };
    const r = await putManifest(base, "good/repo", "broken", doc);
    assert.equal(r.status, 400);
    assert.equal(await errorCode(r), "MANIFEST_BLOB_UNKNOWN");
    assert.equal((await fetch(`${base}/v2/good/repo/manifests/broken`)).status, 404);
    assert.equal((await fetch(`${base}/v2/good/repo/manifests/${sha256Digest(JSON.stringify(doc))}`)).status, 404);
    // A blob that exists in another repository only does not count either.
    const elsewhere = await pushBlob(base, "other/repo", "layer elsewhere");
    doc.layers[0]!.digest = elsewhere;
    const r2 = await putManifest(base, "good/repo", "broken", doc);
    assert.equal(await errorCode(r2), "MANIFEST_BLOB_UNKNOWN");
  });

  test("malformed manifests → MANIFEST_INVALID", async () => {
    const bodies = [
      "not json",
      "[]",
      JSON.stringify({ schemaVersion: 1 }),
      JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "x", digest: "sha256:../../etc", size: 1 }, layers: [] }),
      JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "x", digest: sha256Digest("a"), size: -1 }, layers: [] }),
      JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: "nope" }),
      JSON.stringify({ schemaVersion: 2, mediaType: "text/plain" }),
    ];
    for (const b of bodies) {
      const r = await fetch(`${base}/v2/good/repo/manifests/bad`, { method: "PUT", headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" }, body: b });
      assert.equal(r.status, 400, b);
      assert.equal(await errorCode(r), "MANIFEST_INVALID", b);
    }
    const mismatch = await fetch(`${base}/v2/good/repo/manifests/bad`, {
      method: "PUT",
      headers: { "Content-Type": "application/vnd.docker.distribution.manifest.v2+json" },
      body: JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] }),
    });
    assert.equal(await errorCode(mismatch), "MANIFEST_INVALID");
  });

  test("a manifest over 4 MiB → 413, nothing stored", async () => {
    const before = await listFiles(path.join(reg.root, "blobs"));
    const big = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [], annotations: { pad: "x".repeat(4 * 1024 * 1024) } });
    const r = await fetch(`${base}/v2/good/repo/manifests/big`, { method: "PUT", headers: { "Content-Type": "application/vnd.oci.image.index.v1+json" }, body: big });
    assert.equal(r.status, 413);
    assert.equal(await errorCode(r), "MANIFEST_INVALID");
    assert.deepEqual(await listFiles(path.join(reg.root, "blobs")), before);
    assert.equal((await fetch(`${base}/v2/good/repo/manifests/big`)).status, 404);
  });

  test("a client that stops mid-upload leaves nothing half-done; the registry keeps working", async () => {
    const u = new URL(base);
    const blobsBefore = await listFiles(path.join(reg.root, "blobs"));
    const data = Buffer.alloc(1024 * 1024, 3);
    const digest = sha256Digest(data);
    const abort = (method: string, p: string, headers: Record<string, string>) =>
      new Promise<void>((resolve) => {
        const req = http.request({ host: u.hostname, port: u.port, method, path: p, headers: { "Content-Length": String(data.length), ...headers } });
        req.on("error", () => resolve());
        req.write(data.subarray(0, 300 * 1024), () => setTimeout(() => req.destroy(), 50));
        req.on("close", () => resolve());
      });

    // Monolithic POST aborted: no blob, no ingest leftovers.
    await abort("POST", `/v2/good/repo/blobs/uploads/?digest=${digest}`, {});
    await until(async () => (await fs.readdir(path.join(reg.root, "blobs", "ingest"))).length === 0, "ingest cleanup");
    assert.deepEqual(await listFiles(path.join(reg.root, "blobs")), blobsBefore);

    // PATCH aborted: the upload is truncated back to what was acknowledged (0), and can continue.
    const loc = (await fetch(`${base}/v2/good/repo/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    await abort("PATCH", loc, { "Content-Range": `0-${data.length - 1}` });
    await until(async () => (await fetch(base + loc)).headers.get("range") === "0-0", "truncation");
    const dataFile = path.join(reg.root, "uploads", loc.split("/").pop()!, "data");
    assert.equal((await fs.stat(dataFile)).size, 0);
    const p = await fetch(base + loc, { method: "PATCH", headers: { "Content-Range": `0-${data.length - 1}` }, body: data });
    assert.equal(p.status, 202);
    const fin = await fetch(`${base}${loc}?digest=${digest}`, { method: "PUT" });
    assert.equal(fin.status, 201);
    assert.equal((await fetch(`${base}/v2/good/repo/blobs/${digest}`, { method: "HEAD" })).headers.get("content-length"), String(data.length));

    // A PATCH shorter than its Content-Range → 416 and the upload unchanged.
    const loc2 = (await fetch(`${base}/v2/good/repo/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    const short = await fetch(base + loc2, { method: "PATCH", headers: { "Content-Range": "0-99" }, body: "only a few" });
    assert.equal(short.status, 416);
    assert.equal((await fetch(base + loc2)).headers.get("range"), "0-0");
  });

  test("unknown endpoints and methods → spec errors, not crashes", async () => {
    assert.equal((await raw(base, "GET", "/v2/good/repo/unknown/thing")).status, 404);
    assert.equal((await raw(base, "POST", "/v2/good/repo/manifests/latest")).status, 405);
    assert.equal((await raw(base, "GET", "/nothing")).status, 404);
    assert.equal((await raw(base, "PATCH", "/v2/good/repo/blobs/uploads/not-a-uuid", "x")).status, 404);
    assert.equal((await raw(base, "GET", "/v2/good/repo/blobs/uploads/../../../../etc")).status, 404);
  });
});
