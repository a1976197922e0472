/** Registry server: manifests and indexes (OCI and Docker schema 2) by tag and digest, deletes, referrers. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sha256Digest } from "../../src/oci/digest.js";
import { errorCode, pushBlob, pushImage, putManifest, startTestRegistry, type TestRegistry } from "./helpers.js";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

describe("registry server: manifests", () => {
  let reg: TestRegistry;
  let base: string;
  before(async () => {
    reg = await startTestRegistry();
    base = reg.url;
  });
  after(async () => reg.stop());

  test("PUT by tag → 201; GET/HEAD by tag and digest serve the exact bytes and media type", async () => {
    const m = await pushImage(base, "app/web", "v1");
    for (const ref of ["v1", m.digest]) {
      const g = await fetch(`${base}/v2/app/web/manifests/${ref}`, { headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
      assert.equal(g.status, 200);
      assert.equal(g.headers.get("content-type"), "application/vnd.oci.image.manifest.v1+json");
      assert.equal(g.headers.get("docker-content-digest"), m.digest);
      assert.deepEqual(Buffer.from(await g.arrayBuffer()), m.bytes);
      const h = await fetch(`${base}/v2/app/web/manifests/${ref}`, { method: "HEAD" });
      assert.equal(h.status, 200);
      assert.equal(h.headers.get("content-length"), String(m.size));
      assert.equal(h.headers.get("docker-content-digest"), m.digest);
    }
  });

  test("exact bytes are kept (whitespace and key order)", async () => {
    const cfg = await pushBlob(base, "exact", "{}");
    const text = `{ "schemaVersion": 2,\n  "mediaType": "${DOCKER_MANIFEST}", "layers": [],\n "config": {"size": 2, "digest": "${cfg}", "mediaType": "application/vnd.docker.container.image.v1+json"} }`;
    const r = await fetch(`${base}/v2/exact/manifests/latest`, { method: "PUT", headers: { "Content-Type": DOCKER_MANIFEST }, body: text });
    assert.equal(r.status, 201, await r.clone().text());
    assert.equal(r.headers.get("docker-content-digest"), sha256Digest(text));
    const g = await fetch(`${base}/v2/exact/manifests/latest`);
    assert.equal(await g.text(), text);
    assert.equal(g.headers.get("content-type"), DOCKER_MANIFEST);
  });

  test("PUT by digest must match the body; ?tag= adds tags (OCI-Tag)", async () => {
    const m = await pushImage(base, "bydigest", "first");
    const wrong = await fetch(`${base}/v2/bydigest/manifests/${sha256Digest("other")}`, {
      method: "PUT",
      headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" },
      body: m.bytes,
    });
    assert.equal(wrong.status, 400);
    assert.equal(await errorCode(wrong), "DIGEST_INVALID");
    const ok = await fetch(`${base}/v2/bydigest/manifests/${m.digest}?tag=a&tag=b`, {
      method: "PUT",
      headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" },
      body: m.bytes,
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get("oci-tag"), "a, b");
    const tags = await (await fetch(`${base}/v2/bydigest/tags/list`)).json();
    assert.deepEqual(tags, { name: "bydigest", tags: ["a", "b", "first"] });
  });

  test("indexes and Docker manifest lists reference manifests that must exist in the repository", async () => {
    const a = await pushImage(base, "multi", "amd64", {}, "a");
    const b = await pushImage(base, "multi", "arm64", {}, "b");
    const entries = [
      { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: a.digest, size: a.size, platform: { os: "linux", architecture: "amd64" } },
      { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: b.digest, size: b.size, platform: { os: "linux", architecture: "arm64" } },
    ];
    const idx = await putManifest(base, "multi", "latest", { schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries });
    assert.equal(idx.status, 201);
    const list = await putManifest(base, "multi", "docker", { schemaVersion: 2, mediaType: DOCKER_LIST, manifests: entries });
    assert.equal(list.status, 201);
    assert.equal((await fetch(`${base}/v2/multi/manifests/docker`)).headers.get("content-type"), DOCKER_LIST);
    const missing = await putManifest(base, "multi", "bad", {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256Digest("nope"), size: 3 }],
    });
    assert.equal(missing.status, 400);
    assert.equal(await errorCode(missing), "MANIFEST_BLOB_UNKNOWN");
    // A manifest from another repository is not enough.
    const other = await pushImage(base, "elsewhere", "x", {}, "c");
    const cross = await putManifest(base, "multi", "cross", { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: other.digest, size: other.size }] });
    assert.equal(cross.status, 400);
  });

  test("unknown manifest → MANIFEST_UNKNOWN; unknown repository → NAME_UNKNOWN", async () => {
    await pushImage(base, "known", "v1");
    const r = await fetch(`${base}/v2/known/manifests/nope`);
    assert.equal(r.status, 404);
    assert.equal(await errorCode(r), "MANIFEST_UNKNOWN");
    const r2 = await fetch(`${base}/v2/known/manifests/${sha256Digest("zz")}`);
    assert.equal(await errorCode(r2), "MANIFEST_UNKNOWN");
    const r3 = await fetch(`${base}/v2/unknown/repo/manifests/latest`);
    assert.equal(r3.status, 404);
    assert.equal(await errorCode(r3), "NAME_UNKNOWN");
    const r4 = await fetch(`${base}/v2/unknown/repo/tags/list`);
    assert.equal(await errorCode(r4), "NAME_UNKNOWN");
  });

  test("DELETE by tag removes the tag only; DELETE by digest removes the manifest and its tags", async () => {
    const m = await pushImage(base, "deleting", "one");
    await fetch(`${base}/v2/deleting/manifests/${m.digest}?tag=two`, { method: "PUT", headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" }, body: m.bytes });
    const dt = await fetch(`${base}/v2/deleting/manifests/one`, { method: "DELETE" });
    assert.equal(dt.status, 202);
    assert.equal((await fetch(`${base}/v2/deleting/manifests/one`)).status, 404);
    assert.equal((await fetch(`${base}/v2/deleting/manifests/${m.digest}`)).status, 200);
    const dd = await fetch(`${base}/v2/deleting/manifests/${m.digest}`, { method: "DELETE" });
    assert.equal(dd.status, 202);
    assert.equal((await fetch(`${base}/v2/deleting/manifests/${m.digest}`)).status, 404);
    assert.equal((await fetch(`${base}/v2/deleting/manifests/two`)).status, 404);
    assert.deepEqual(((await (await fetch(`${base}/v2/deleting/tags/list`)).json()) as { tags: string[] }).tags, []);
    const again = await fetch(`${base}/v2/deleting/manifests/${m.digest}`, { method: "DELETE" });
    assert.equal(again.status, 404);
  });

  test("referrers: subject → OCI-Subject, listed with artifactType (config media type fallback) and filter", async () => {
    const subject = await pushImage(base, "signed", "v1");
    const empty = await pushBlob(base, "signed", "{}");
    const sbomBlob = await pushBlob(base, "signed", "sbom-data");
    const sdesc = { mediaType: subject.doc["mediaType"], digest: subject.digest, size: subject.size };
    const sbom = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      artifactType: "application/vnd.example.sbom.v1",
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: empty, size: 2 },
      layers: [{ mediaType: "application/spdx+json", digest: sbomBlob, size: 9 }],
      subject: sdesc,
      annotations: { "org.example.kind": "sbom" },
    };
    const r1 = await putManifest(base, "signed", sha256Digest(JSON.stringify(sbom)), sbom);
    assert.equal(r1.status, 201, await r1.clone().text());
    assert.equal(r1.headers.get("oci-subject"), subject.digest);
    const sig = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.example.signature.config.v1+json", digest: empty, size: 2 },
      layers: [],
      subject: sdesc,
    };
    assert.equal((await putManifest(base, "signed", sha256Digest(JSON.stringify(sig)), sig)).status, 201);

    const all = await fetch(`${base}/v2/signed/referrers/${subject.digest}`);
    assert.equal(all.status, 200);
    assert.equal(all.headers.get("content-type"), OCI_INDEX);
    const idx = (await all.json()) as { manifests: { artifactType?: string; digest: string; annotations?: Record<string, string> }[] };
    assert.equal(idx.manifests.length, 2);
    const types = idx.manifests.map((d) => d.artifactType).sort();
    assert.deepEqual(types, ["application/vnd.example.sbom.v1", "application/vnd.example.signature.config.v1+json"]);
    assert.deepEqual(idx.manifests.find((d) => d.artifactType === "application/vnd.example.sbom.v1")?.annotations, { "org.example.kind": "sbom" });

    const filtered = await fetch(`${base}/v2/signed/referrers/${subject.digest}?artifactType=application/vnd.example.sbom.v1`);
    assert.equal(filtered.headers.get("oci-filters-applied"), "artifactType");
    const fidx = (await filtered.json()) as { manifests: unknown[] };
    assert.equal(fidx.manifests.length, 1);

    const none = await fetch(`${base}/v2/signed/referrers/${sha256Digest("no subject")}`);
    assert.equal(none.status, 200);
    assert.deepEqual(((await none.json()) as { manifests: unknown[] }).manifests, []);
    const bad = await fetch(`${base}/v2/signed/referrers/sha256:1234`);
    assert.equal(bad.status, 400);

    // Deleting a referrer removes it from the list.
    await fetch(`${base}/v2/signed/manifests/${sha256Digest(JSON.stringify(sig))}`, { method: "DELETE" });
    const after1 = (await (await fetch(`${base}/v2/signed/referrers/${subject.digest}`)).json()) as { manifests: unknown[] };
    assert.equal(after1.manifests.length, 1);
  });

  test("a manifest with a subject that is not in the registry is accepted (spec SHOULD)", async () => {
    const m = await pushImage(base, "dangling", "v1", { subject: { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256Digest("absent"), size: 10 } });
    const r = await fetch(`${base}/v2/dangling/referrers/${sha256Digest("absent")}`);
    const idx = (await r.json()) as { manifests: { digest: string }[] };
    assert.deepEqual(idx.manifests.map((d) => d.digest), [m.digest]);
  });
});
