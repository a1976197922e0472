/**
 * /images/*: import (POST /images/create?fromSrc=-), load, save (get), list,
 * inspect, history, tag, delete. Image names contain slashes, so routes use
 * {name*} and the fixed suffix.
 */
import { Readable } from "node:stream";
import { InvalidArgumentError, NotImplementedError } from "../../errors/index.js";
import type { Image, ImageRunConfig, ImageService } from "../../engine/images/image-service.js";
import { sendJson } from "../http-io.js";
import type { Router } from "../router.js";
import { handlePull, handlePush } from "./distribution.js";

function toImageConfig(img: Image, c: ImageRunConfig = img.config.config ?? {}) {
  return {
    Hostname: "", Domainname: "", User: c.User ?? "", AttachStdin: false, AttachStdout: false, AttachStderr: false,
    ExposedPorts: c.ExposedPorts, Tty: false, OpenStdin: false, StdinOnce: false, Env: c.Env ?? null, Cmd: c.Cmd ?? null,
    Image: "", Volumes: c.Volumes ?? null, WorkingDir: c.WorkingDir ?? "", Entrypoint: c.Entrypoint ?? null, OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? null, StopSignal: c.StopSignal,
    // present only when set, as Docker omits them (a built image's HEALTHCHECK and SHELL)
    ...(c.Healthcheck !== undefined ? { Healthcheck: c.Healthcheck } : {}),
    ...(c.Shell !== undefined ? { Shell: c.Shell } : {}),
  };
}

export function toImageSummary(img: Image) {
  return {
    Id: img.id,
    ParentId: img.parent,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Created: Math.floor(img.created.getTime() / 1000),
    Size: img.size,
    SharedSize: -1,
    VirtualSize: img.size,
    Labels: img.config.config?.Labels ?? {},
    Containers: -1,
  };
}

export function toImageInspect(img: Image) {
  return {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: img.parent,
    Comment: img.config.history?.at(-1)?.comment ?? "",
    Created: img.config.created ?? img.created.toISOString(),
    Container: "",
    // a built image's container_config: the build step's config, whose Cmd holds the "#(nop) " text
    ContainerConfig: toImageConfig(img, (img.config["container_config"] as ImageRunConfig | undefined) ?? img.config.config ?? {}),
    DockerVersion: "",
    Author: img.config.author ?? "",
    Config: toImageConfig(img),
    Architecture: img.config.architecture,
    Variant: img.config.variant,
    Os: img.config.os,
    Size: img.size,
    VirtualSize: img.size,
    GraphDriver: { Name: "overlayfs", Data: null },
    RootFS: { Type: "layers", Layers: img.config.rootfs.diff_ids },
    Metadata: { LastTagTime: "0001-01-01T00:00:00Z" },
  };
}

/** The JSON-lines progress stream the CLI renders for import/load/pull. */
function startJsonStream(res: import("node:http").ServerResponse) {
  res.writeHead(200, { "Content-Type": "application/json" });
  return {
    line: (v: unknown) => res.write(JSON.stringify(v) + "\n"),
    end: () => res.end(),
  };
}

export function addImageRoutes(r: Router, images: ImageService): void {
  r.add("POST", "/images/create", async (ctx) => {
    const fromSrc = ctx.query.str("fromSrc");
    const fromImage = ctx.query.str("fromImage");
    if (fromSrc === undefined && fromImage === undefined) throw new InvalidArgumentError("either fromSrc or fromImage must be given");
    if (fromImage !== undefined && fromSrc === undefined) return handlePull(ctx, images, fromImage);
    if (fromSrc !== "-") throw new NotImplementedError(`importing from a URL is not supported: ${fromSrc}`);
    const repo = ctx.query.str("repo") ?? "";
    const tag = ctx.query.str("tag") ?? "";
    const ref = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
    const changes = ctx.query.all("changes").filter(Boolean);
    const message = ctx.query.str("message");
    const platform = ctx.query.str("platform");
    const [os, architecture] = platform ? platform.split("/") : [];
    // Validate before touching the body so a bad reference costs nothing.
    const img = await images.importRootfs(ctx.req as unknown as Readable, { ref, changes, message, platform: platform ? { os, architecture } : undefined });
    const s = startJsonStream(ctx.res);
    s.line({ status: img.id });
    s.end();
  });

  r.add("POST", "/images/load", async (ctx) => {
    const quiet = ctx.query.bool("quiet");
    const lines = await images.load(ctx.req as unknown as Readable);
    const s = startJsonStream(ctx.res);
    for (const l of lines) s.line({ stream: l.stream.endsWith("\n") ? l.stream : l.stream + "\n" });
    void quiet; // the docker CLI prints the same lines either way
    s.end();
  });

  const save = async (ctx: Parameters<Parameters<Router["add"]>[2]>[0], names: string[]) => {
    if (names.length === 0) throw new InvalidArgumentError("no image names given");
    for (const n of names) await images.get(n); // 404 before any byte is sent
    ctx.res.writeHead(200, { "Content-Type": "application/x-tar" });
    await images.save(names, ctx.res);
    ctx.res.end();
  };
  r.add("GET", "/images/get", (ctx) => save(ctx, ctx.query.all("names")));
  r.add("GET", "/images/{name*}/get", (ctx) => save(ctx, [ctx.params["name"]!]));

  r.add("GET", "/images/json", async (ctx) => {
    const list = await images.list({ all: ctx.query.bool("all"), filters: ctx.query.filters() });
    sendJson(ctx.res, 200, list.map(toImageSummary));
  });

  r.add("GET", "/images/{name*}/json", async (ctx) => {
    sendJson(ctx.res, 200, toImageInspect(await images.get(ctx.params["name"]!)));
  });

  r.add("GET", "/images/{name*}/history", async (ctx) => {
    sendJson(ctx.res, 200, await images.history(ctx.params["name"]!));
  });

  r.add("POST", "/images/{name*}/push", (ctx) => handlePush(ctx, images));

  r.add("POST", "/images/{name*}/tag", async (ctx) => {
    const repo = ctx.query.str("repo");
    const tag = ctx.query.str("tag");
    if (!repo) throw new InvalidArgumentError("repository name must have at least one component");
    await images.tag(ctx.params["name"]!, tag ? `${repo}:${tag}` : repo);
    ctx.res.writeHead(201);
    ctx.res.end();
  });

  r.add("DELETE", "/images/{name*}", async (ctx) => {
    const out = await images.remove(ctx.params["name"]!, { force: ctx.query.bool("force"), noPrune: ctx.query.bool("noprune") });
    sendJson(ctx.res, 200, out);
  });
}
