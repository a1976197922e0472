/** Registry server: /v2/, blob GET/HEAD/Range/DELETE, monolithic, chunked and streamed uploads, mount. */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sha256Digest } from "../../src/oci/digest.js";
import { errorCode, listFiles, pushBlob, startTestRegistry, type TestRegistry } from "./helpers.js";

describe("registry server: blobs and uploads", () => {
  let reg: TestRegistry;
  let base: string;
  before(async () => {
    reg = await startTestRegistry();
    base = reg.url;
  });
  after(async () => reg.stop());

  test("GET /v2/ answers 200 {} with the API version header", async () => {
    const r = await fetch(`${base}/v2/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("docker-distribution-api-version"), "registry/2.0");
    assert.deepEqual(await r.json(), {});
  });

  test("monolithic POST ?digest= → 201; GET, HEAD and Range serve it", async () => {
    const data = Buffer.from("hello registry blob");
    const digest = sha256Digest(data);
    const r = await fetch(`${base}/v2/mono/blobs/uploads/?digest=${digest}`, { method: "POST", body: data });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get("location"), `/v2/mono/blobs/${digest}`);
    assert.equal(r.headers.get("docker-content-digest"), digest);

    const g = await fetch(`${base}/v2/mono/blobs/${digest}`);
    assert.equal(g.status, 200);
    assert.equal(g.headers.get("content-length"), String(data.length));
    assert.equal(g.headers.get("docker-content-digest"), digest);
    assert.deepEqual(Buffer.from(await g.arrayBuffer()), data);

    const h = await fetch(`${base}/v2/mono/blobs/${digest}`, { method: "HEAD" });
    assert.equal(h.status, 200);
    assert.equal(h.headers.get("content-length"), String(data.length));

    const part = await fetch(`${base}/v2/mono/blobs/${digest}`, { headers: { Range: "bytes=6-13" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 6-13/${data.length}`);
    assert.equal(await part.text(), "registry");

    const bad = await fetch(`${base}/v2/mono/blobs/${digest}`, { headers: { Range: "bytes=500-" } });
    assert.equal(bad.status, 416);
  });

  test("unknown blob → 404 BLOB_UNKNOWN; unknown repository → 404 NAME_UNKNOWN", async () => {
    const d = sha256Digest("nope");
    const r = await fetch(`${base}/v2/mono/blobs/${d}`);
    assert.equal(r.status, 404);
    assert.equal(await errorCode(r), "BLOB_UNKNOWN");
    const r2 = await fetch(`${base}/v2/no/such/repo/blobs/${d}`);
    assert.equal(r2.status, 404);
    assert.equal(await errorCode(r2), "NAME_UNKNOWN");
  });

  test("chunked upload: POST → PATCH with Content-Range → status → PUT with final chunk", async () => {
    const data = Buffer.from("0123456789abcdefghij");
    const digest = sha256Digest(data);
    const start = await fetch(`${base}/v2/chunked/blobs/uploads/`, { method: "POST" });
    assert.equal(start.status, 202);
    const loc = start.headers.get("location")!;
    assert.match(loc, /^\/v2\/chunked\/blobs\/uploads\/[0-9a-f-]{36}$/);
    assert.equal(start.headers.get("range"), "0-0");
    assert.ok(start.headers.get("docker-upload-uuid"));

    const p1 = await fetch(base + loc, { method: "PATCH", headers: { "Content-Range": "0-9", "Content-Type": "application/octet-stream" }, body: data.subarray(0, 10) });
    assert.equal(p1.status, 202);
    assert.equal(p1.headers.get("range"), "0-9");

    const ooo = await fetch(base + loc, { method: "PATCH", headers: { "Content-Range": "15-19" }, body: data.subarray(15) });
    assert.equal(ooo.status, 416);
    assert.equal(await errorCode(ooo), "BLOB_UPLOAD_INVALID");

    const st = await fetch(base + loc);
    assert.equal(st.status, 204);
    assert.equal(st.headers.get("range"), "0-9");

    const p2 = await fetch(base + loc, { method: "PATCH", headers: { "Content-Range": "10-14" }, body: data.subarray(10, 15) });
    assert.equal(p2.status, 202);
    assert.equal(p2.headers.get("range"), "0-14");

    const fin = await fetch(`${base}${loc}?digest=${digest}`, { method: "PUT", headers: { "Content-Range": "15-19" }, body: data.subarray(15) });
    assert.equal(fin.status, 201, await fin.clone().text());
    assert.equal(fin.headers.get("docker-content-digest"), digest);
    const g = await fetch(`${base}/v2/chunked/blobs/${digest}`);
    assert.deepEqual(Buffer.from(await g.arrayBuffer()), data);
    assert.equal((await fetch(base + loc)).status, 404, "the session is gone after completion");
  });

  test("streamed PATCH without Content-Range, then PUT without body", async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const digest = sha256Digest(data);
    const loc = (await fetch(`${base}/v2/streamed/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    const p = await fetch(base + loc, { method: "PATCH", body: data });
    assert.equal(p.status, 202);
    assert.equal(p.headers.get("range"), `0-${data.length - 1}`);
    const fin = await fetch(`${base}${loc}?digest=${digest}`, { method: "PUT" });
    assert.equal(fin.status, 201);
    const h = await fetch(`${base}/v2/streamed/blobs/${digest}`, { method: "HEAD" });
    assert.equal(h.headers.get("content-length"), String(data.length));
  });

  test("digest mismatch → DIGEST_INVALID and nothing is kept", async () => {
    const before = await listFiles(path.join(reg.root, "blobs"));
    const wrong = sha256Digest("something else");
    const r = await fetch(`${base}/v2/mismatch/blobs/uploads/?digest=${wrong}`, { method: "POST", body: "actual bytes" });
    assert.equal(r.status, 400);
    assert.equal(await errorCode(r), "DIGEST_INVALID");
    const loc = (await fetch(`${base}/v2/mismatch/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    await fetch(base + loc, { method: "PATCH", body: "chunk" });
    const fin = await fetch(`${base}${loc}?digest=${wrong}`, { method: "PUT" });
    assert.equal(fin.status, 400);
    assert.equal(await errorCode(fin), "DIGEST_INVALID");
    assert.deepEqual(await listFiles(path.join(reg.root, "blobs")), before);
    assert.deepEqual(await fs.readdir(path.join(reg.root, "uploads")), []);
    assert.equal((await fetch(`${base}/v2/mismatch/blobs/${sha256Digest("actual bytes")}`)).status, 404);
  });

  test("DELETE an upload → 204, then 404 BLOB_UPLOAD_UNKNOWN", async () => {
    const loc = (await fetch(`${base}/v2/cancel/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    await fetch(base + loc, { method: "PATCH", body: "partial" });
    const d = await fetch(base + loc, { method: "DELETE" });
    assert.equal(d.status, 204);
    const st = await fetch(base + loc);
    assert.equal(st.status, 404);
    assert.equal(await errorCode(st), "BLOB_UPLOAD_UNKNOWN");
  });

  test("an upload belongs to its repository", async () => {
    const loc = (await fetch(`${base}/v2/owner/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    const other = loc.replace("/v2/owner/", "/v2/thief/");
    const r = await fetch(base + other, { method: "PATCH", body: "x" });
    assert.equal(r.status, 404);
    assert.equal(await errorCode(r), "BLOB_UPLOAD_UNKNOWN");
  });

  test("cross-repository mount: 201 when the source has the blob, else a 202 session", async () => {
    const digest = await pushBlob(base, "src/repo", "shared layer");
    const r = await fetch(`${base}/v2/dst/repo/blobs/uploads/?mount=${digest}&from=src/repo`, { method: "POST" });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get("location"), `/v2/dst/repo/blobs/${digest}`);
    assert.equal(await (await fetch(`${base}/v2/dst/repo/blobs/${digest}`)).text(), "shared layer");
    const blobsOnDisk = (await listFiles(path.join(reg.root, "blobs", "blobs"))).filter((f) => f.endsWith(digest.slice(7)));
    assert.equal(blobsOnDisk.length, 1, "stored once");

    const miss = await fetch(`${base}/v2/dst/repo/blobs/uploads/?mount=${sha256Digest("absent")}&from=src/repo`, { method: "POST" });
    assert.equal(miss.status, 202);
    assert.match(miss.headers.get("location")!, /\/blobs\/uploads\//);
    // A blob in a repository the client did not name as `from` is not mounted from elsewhere.
    const other = await fetch(`${base}/v2/third/blobs/${digest}`);
    assert.equal(other.status, 404);
  });

  test("DELETE blob → 202, then 404 in that repository only", async () => {
    const digest = await pushBlob(base, "del/a", "to delete");
    await pushBlob(base, "del/b", "to delete");
    const d = await fetch(`${base}/v2/del/a/blobs/${digest}`, { method: "DELETE" });
    assert.equal(d.status, 202);
    assert.equal((await fetch(`${base}/v2/del/a/blobs/${digest}`)).status, 404);
    assert.equal((await fetch(`${base}/v2/del/b/blobs/${digest}`)).status, 200);
    const again = await fetch(`${base}/v2/del/a/blobs/${digest}`, { method: "DELETE" });
    assert.equal(again.status, 404);
    assert.equal(await errorCode(again), "BLOB_UNKNOWN");
  });
});
