/**
 * docker load: spool the archive into the content store (archive-spool.ts),
 * plan every image it holds (docker-archive manifest.json first, else the OCI
 * layout's index.json), then unpack and register each image
 * (register-image.ts). Returns Docker's lines: "Loaded image: busybox:latest"
 * per tag, or "Loaded image ID: sha256:…" for an untagged image.
 *
 * The whole load runs under the image mutation lock, so no concurrent rmi can
 * remove a blob between spooling and registering.
 */
import type { Readable } from "node:stream";
import { familiarString } from "../../oci/reference.js";
import type { ImageContext } from "./image-deps.js";
import type { LoadProgress } from "./image-service.js";
import { spoolArchive } from "./archive-spool.js";
import { planDockerArchive } from "./load-docker-archive.js";
import { planOciLayout } from "./load-oci-layout.js";
import { invalidArchive, type LoadPlan } from "./load-plan.js";
import { registerImage } from "./register-image.js";

export async function loadArchive(ctx: ImageContext, input: Readable): Promise<LoadProgress[]> {
  return ctx.mutate(async () => {
    const archive = await spoolArchive(ctx.content, input);
    let plans: LoadPlan[];
    if (archive.documents.has("manifest.json")) plans = await planDockerArchive(ctx, archive);
    else if (archive.documents.has("index.json")) plans = await planOciLayout(ctx, archive);
    else throw invalidArchive("neither manifest.json nor index.json found (is this a docker save or OCI layout tar?)");
    const out: LoadProgress[] = [];
    for (const plan of plans) {
      const rec = await registerImage(ctx, plan);
      if (plan.refs.length === 0) out.push({ stream: `Loaded image ID: ${rec.id}` });
      for (const ref of plan.refs) out.push({ stream: `Loaded image: ${familiarString(ref)}` });
    }
    return out;
  });
}
