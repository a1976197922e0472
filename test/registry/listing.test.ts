/** Registry server: tag listing and catalog with n/last pagination and Link headers. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pushImage, startTestRegistry, type TestRegistry } from "./helpers.js";

describe("registry server: tags and catalog", () => {
  let reg: TestRegistry;
  let base: string;
  before(async () => {
    reg = await startTestRegistry();
    base = reg.url;
    const m = await pushImage(base, "lib/tags", "a");
    for (const t of ["c", "B", "b", "d", "e"]) {
      const r = await fetch(`${base}/v2/lib/tags/manifests/${t}`, { method: "PUT", headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" }, body: m.bytes });
      assert.equal(r.status, 201);
    }
    for (const name of ["zeta", "alpha/one", "alpha/two", "mid"]) await pushImage(base, name, "v1");
  });
  after(async () => reg.stop());

  test("all tags in byte order", async () => {
    const r = await fetch(`${base}/v2/lib/tags/tags/list`);
    assert.deepEqual(await r.json(), { name: "lib/tags", tags: ["B", "a", "b", "c", "d", "e"] });
    assert.equal(r.headers.get("link"), null);
  });

  test("n and last paginate, Link names the next page, the last page has no Link", async () => {
    const seen: string[] = [];
    let next: string | null = `/v2/lib/tags/tags/list?n=2`;
    let pages = 0;
    while (next) {
      const r: Response = await fetch(base + next);
      const body = (await r.json()) as { tags: string[] };
      assert.ok(body.tags.length <= 2);
      seen.push(...body.tags);
      const link = r.headers.get("link");
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1]! : null;
      pages++;
    }
    assert.deepEqual(seen, ["B", "a", "b", "c", "d", "e"]);
    assert.equal(pages, 3);
    const r = await fetch(`${base}/v2/lib/tags/tags/list?n=2&last=b`);
    assert.deepEqual(((await r.json()) as { tags: string[] }).tags, ["c", "d"]);
    assert.equal(r.headers.get("link"), `</v2/lib/tags/tags/list?n=2&last=d>; rel="next"`);
    const zero = await fetch(`${base}/v2/lib/tags/tags/list?n=0`);
    assert.deepEqual(((await zero.json()) as { tags: string[] }).tags, []);
    assert.equal(zero.headers.get("link"), null);
    const past = await fetch(`${base}/v2/lib/tags/tags/list?last=zzz`);
    assert.deepEqual(((await past.json()) as { tags: string[] }).tags, []);
  });

  test("catalog lists nested repositories and paginates", async () => {
    const all = await (await fetch(`${base}/v2/_catalog`)).json();
    assert.deepEqual(all, { repositories: ["alpha/one", "alpha/two", "lib/tags", "mid", "zeta"] });
    const p1 = await fetch(`${base}/v2/_catalog?n=2`);
    assert.deepEqual(((await p1.json()) as { repositories: string[] }).repositories, ["alpha/one", "alpha/two"]);
    assert.equal(p1.headers.get("link"), `</v2/_catalog?n=2&last=alpha%2Ftwo>; rel="next"`);
    const p2 = await fetch(`${base}/v2/_catalog?n=2&last=alpha%2Ftwo`);
    assert.deepEqual(((await p2.json()) as { repositories: string[] }).repositories, ["lib/tags", "mid"]);
    const p3 = await fetch(`${base}/v2/_catalog?n=2&last=mid`);
    assert.deepEqual(((await p3.json()) as { repositories: string[] }).repositories, ["zeta"]);
    assert.equal(p3.headers.get("link"), null);
  });
});
