/**
 * `GET /v2/<name>/tags/list?n=&last=` (tags in byte order, Link to the next
 * page) and `GET /v2/<name>/referrers/<digest>?artifactType=` (an OCI index
 * of the manifests whose subject is <digest>; never 404 for a valid digest).
 */
import { MediaType } from "../../../oci/media-types.js";
import { byteSort, linkHeader, paginate, sendJson } from "../http-util.js";
import { checkDigest } from "../paths.js";
import type { Handler } from "./context.js";

export const listTags: Handler = async (c) => {
  await c.repos.requireRepo(c.name);
  const all = byteSort(await c.repos.listTags(c.name));
  const n = c.query.get("n");
  const page = paginate(all, (t) => t, n, c.query.get("last"));
  const headers: Record<string, string> = {};
  if (page.next !== undefined) headers["Link"] = linkHeader(`/v2/${c.name}/tags/list`, n === null ? undefined : Number(n), page.next);
  sendJson(c.res, 200, { name: c.name, tags: page.items }, headers);
};

export const listReferrers: Handler = async (c) => {
  checkDigest(c.ref);
  const artifactType = c.query.get("artifactType");
  let list = await c.repos.referrers(c.name, c.ref);
  const headers: Record<string, string> = {};
  if (artifactType !== null) {
    list = list.filter((d) => d.artifactType === artifactType);
    headers["OCI-Filters-Applied"] = "artifactType";
  }
  list.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  sendJson(c.res, 200, { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: list }, headers, MediaType.ociIndex);
};
