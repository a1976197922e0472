/**
 * The client against a fake registry on 127.0.0.1 (no root, no network):
 * the Bearer token dance with one token fetch per scope, manifest digest
 * verification, and an aborted blob download that leaves nothing visible.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { InvalidArgumentError, UnauthorizedError } from "../../errors/index.js";
import { LocalContentStore } from "../../store/content/local-content-store.js";
import { RegistryClient } from "./registry-client.js";

const sha = (b: Buffer | string) => "sha256:" + createHash("sha256").update(b).digest("hex");
const MANIFEST = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: {}, layers: [] }));
const BIG = Buffer.alloc(1024 * 1024, 7);

async function fakeRegistry(): Promise<{ host: string; tokenRequests: string[]; close(): Promise<void> }> {
  const tokenRequests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const host = req.headers.host!;
    if (url.pathname === "/token") {
      tokenRequests.push(`${url.searchParams.getAll("scope").join(" ")} ${req.headers.authorization ?? ""}`);
      if (req.headers.authorization !== "Basic " + Buffer.from("u:p").toString("base64")) {
        res.writeHead(401, { "Content-Type": "application/json" });
        return res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "incorrect username or password" }] }));
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify({ token: "tok-1", expires_in: 300 }));
    }
    if (req.headers.authorization !== "Bearer tok-1") {
      res.writeHead(401, { "WWW-Authenticate": `Bearer realm="http://${host}/token",service="fake",scope="repository:r:pull"` });
      return res.end();
    }
    if (url.pathname === "/v2/") return res.end("{}");
    if (url.pathname === "/v2/r/manifests/1" || url.pathname === `/v2/r/manifests/${sha(MANIFEST)}`) {
      res.writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json" });
      return res.end(MANIFEST);
    }
    if (url.pathname === `/v2/r/manifests/${sha("other")}`) {
      res.writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json" });
      return res.end(MANIFEST);
    }
    if (url.pathname === `/v2/r/blobs/${sha(BIG)}`) {
      res.writeHead(200, { "Content-Length": BIG.length });
      res.write(BIG.subarray(0, 64 * 1024)); // then stall: the client must abort
      return;
    }
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN", message: "blob unknown to registry" }] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    tokenRequests,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

test("bearer challenge: one token per scope, reused across requests; digests verified", async (t) => {
  const reg = await fakeRegistry();
  t.after(() => reg.close());
  const client = new RegistryClient();
  const repo = client.repository({ domain: reg.host, path: "r" }, { credentials: { username: "u", password: "p" } });
  const m = await repo.getManifest("1");
  assert.equal(m.digest, sha(MANIFEST));
  assert.equal(m.mediaType, "application/vnd.oci.image.manifest.v1+json");
  await repo.getManifest(sha(MANIFEST));
  const again = client.repository({ domain: reg.host, path: "r" }, { credentials: { username: "u", password: "p" } });
  await again.getManifest("1");
  assert.equal(reg.tokenRequests.length, 1, reg.tokenRequests.join("\n"));
  assert.match(reg.tokenRequests[0]!, /^repository:r:pull Basic /);
  await assert.rejects(repo.getManifest(sha("other")), InvalidArgumentError);

  const wrong = client.repository({ domain: reg.host, path: "r" }, { credentials: { username: "u", password: "bad" } });
  await assert.rejects(wrong.getManifest("1"), (e: unknown) => e instanceof UnauthorizedError && /incorrect username or password/.test(e.message));
});

test("an aborted blob download leaves no blob and no ingest file", async (t) => {
  const reg = await fakeRegistry();
  t.after(() => reg.close());
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-rc-"));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const content = new LocalContentStore(dir);
  await content.init();
  const repo = new RegistryClient().repository({ domain: reg.host, path: "r" }, { credentials: { username: "u", password: "p" } });
  const ac = new AbortController();
  const p = repo.fetchBlobInto(content, { digest: sha(BIG), size: BIG.length }, { signal: ac.signal, onBytes: () => ac.abort(new Error("client went away")) });
  await assert.rejects(p);
  assert.equal(await content.has(sha(BIG)), false);
  assert.deepEqual(await fs.readdir(content.paths.ingestDir()), []);
  await assert.rejects(repo.fetchBlobInto(content, { digest: sha("nope"), size: 4 }), /blob unknown to registry/);
});
