/**
 * docker images (GET /images/json) filters, as Docker applies them:
 *   dangling=true|false   images without any reference / with at least one
 *   reference=<pattern>   path.Match glob against "name:tag" and "name"; only matching tags are listed
 *   label=<key>|<key>=<value>
 *   before=<ref> / since=<ref>   created before / after that image
 * Without `all`, untagged images that are the parent of another image
 * (intermediate build images) are hidden. Newest first.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { familiarName, familiarString, parseReference } from "../../oci/reference.js";
import type { ImageContext } from "./image-deps.js";
import type { Image } from "./image-service.js";
import { goPathMatchRegExp } from "../../text/go-path-match.js";
import { toImage } from "./image-view.js";
import { resolveImage } from "./resolve-image.js";

const KNOWN = new Set(["dangling", "reference", "label", "before", "since"]);

/** A `reference` filter pattern (Go's path.Match, as Docker's filter). */
export function globToRegExp(pattern: string): RegExp {
  return goPathMatchRegExp(pattern, (p) => `invalid reference filter pattern ${p}`);
}

function matchesLabels(img: Image, wanted: string[]): boolean {
  const labels = img.config.config?.Labels ?? {};
  return wanted.every((w) => {
    const eq = w.indexOf("=");
    return eq < 0 ? w in labels : labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

export async function listImages(ctx: ImageContext, opts: { all?: boolean; filters?: Record<string, string[]> } = {}): Promise<Image[]> {
  const f = opts.filters ?? {};
  for (const k of Object.keys(f)) if (!KNOWN.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  const dangling = f["dangling"]?.[0];
  if (dangling !== undefined && !["true", "false", "1", "0"].includes(dangling)) {
    throw new InvalidArgumentError(`invalid filter 'dangling=${dangling}'`);
  }
  const before = f["before"]?.[0] !== undefined ? resolveImage(ctx.metadata, f["before"][0]).record.created : undefined;
  const since = f["since"]?.[0] !== undefined ? resolveImage(ctx.metadata, f["since"][0]).record.created : undefined;
  const patterns = (f["reference"] ?? []).map(globToRegExp);
  const records = ctx.metadata.listRecords();
  const parents = new Set(records.map((r) => r.parent).filter((p) => p !== ""));
  const out: Image[] = [];
  for (const rec of records) {
    const refs = ctx.metadata.referencesTo(rec.id);
    if (dangling === "true" || dangling === "1") {
      if (refs.length > 0) continue;
    } else if (dangling === "false" || dangling === "0") {
      if (refs.length === 0) continue;
    }
    if (!opts.all && refs.length === 0 && parents.has(rec.id)) continue;
    if (before !== undefined && !(Date.parse(rec.created) < Date.parse(before))) continue;
    if (since !== undefined && !(Date.parse(rec.created) > Date.parse(since))) continue;
    const img = await toImage(ctx, rec);
    if (!matchesLabels(img, f["label"] ?? [])) continue;
    if (patterns.length > 0) {
      const keep = (key: string): boolean => {
        const r = parseReference(key);
        return patterns.some((p) => p.test(familiarString(r)) || p.test(familiarName(r)));
      };
      const tags = img.repoTags.filter(keep);
      const digests = img.repoDigests.filter(keep);
      if (tags.length === 0 && digests.length === 0) continue;
      img.repoTags = tags;
      img.repoDigests = digests;
    }
    out.push(img);
  }
  return out.sort((a, b) => b.created.getTime() - a.created.getTime() || a.id.localeCompare(b.id));
}
