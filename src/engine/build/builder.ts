/**
 * The classic builder (POST /build): one build from context to tagged image.
 *
 *   receive the context (build-context.ts) → read the Dockerfile → apply
 *   .dockerignore → parse → pick the stages the target needs → for each step:
 *   expand it, look it up in the cache, else run it (metadata → config only;
 *   RUN → a container; COPY/ADD/WORKDIR → a snapshot of their own) and commit
 *   an image whose parent is the previous step's → tag the last image (only
 *   when everything succeeded).
 *
 * Output follows Docker's classic builder line by line (transcript
 * 07-build-legacy.txt): "Step i/n : <instruction>", " ---> Using cache",
 * " ---> Running in <ctr>", RUN output as it comes, "Removing intermediate
 * container <ctr>", " ---> <image>", then aux {ID}, "Successfully built" and
 * "Successfully tagged". Unlike Docker, metadata steps run no container, so
 * they print no "Running in" line.
 */
import { promises as fs } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Readable } from "node:stream";
import { InvalidArgumentError } from "../../errors/index.js";
import type { RegistryAuth } from "../images/image-service.js";
import type { BuildCache } from "./build-cache.js";
import type { BuildDeps, BuildOutput } from "./build-deps.js";
import { BuildRun } from "./build-run.js";
import { BuildContext } from "./context/build-context.js";
import { parse } from "./frontend.js";
import { timer } from "./steps/fs-step.js";

export interface BuildRequest {
  /** normalised tag keys (tagKeyFor), checked by the caller before the stream starts */
  tagKeys: string[];
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  labels: Record<string, string>;
  quiet: boolean;
  forceRm: boolean;
  rm: boolean;
  cacheFrom: string[];
  networkMode: string;
  platform?: { os: string; architecture: string };
  auth: Record<string, RegistryAuth>;
  signal?: AbortSignal;
}

export class Builder {
  constructor(
    private readonly d: BuildDeps,
    private readonly cache: BuildCache,
  ) {}

  /**
   * Steps that need no context file (FROM, RUN, metadata) start as soon as
   * the Dockerfile has arrived, while the rest of the context is still being
   * received; their output is held back until the whole context is in, so a
   * broken or hostile context is still a plain 400 with nothing shown. COPY
   * and ADD wait for the context (BuildRun.contextReady).
   */
  async build(req: BuildRequest, body: Readable, out: BuildOutput): Promise<string> {
    const key = randomBytes(8).toString("hex");
    const work = path.join(this.d.workRoot, `b-${key}`);
    const sandboxKey = `build-${key}`;
    await fs.mkdir(work, { recursive: true, mode: 0o700 });
    const dfRel = BuildContext.cleanName(req.dockerfile || "Dockerfile");
    const ctx = BuildContext.begin(body, path.join(work, "context"), [dfRel, "dockerfile", ".dockerignore"]);
    const gate = new GatedOutput(out);
    const tm = timer(this.d);
    ctx.done.then(() => tm("context received"), () => {});
    try {
      const df = parse(await this.readDockerfile(ctx, dfRel, req.dockerfile));
      const run = new BuildRun(this.d, this.cache, req, df, ctx, work, gate, sandboxKey);
      try {
        const id = await run.run();
        tm("build done");
        return id;
      } catch (e) {
        // A step failed while the context was still arriving: a broken context is the answer (400);
        // otherwise show what ran before the error line.
        await ctx.done;
        gate.open();
        throw e;
      } finally {
        await Promise.all(run.removals);
        // success, failure or cancel (the client went away: req.signal): the RUN containers are gone or dead
        this.d.sandboxes?.releaseBuildSandbox(sandboxKey);
      }
    } finally {
      // the client is still sending when the Dockerfile was bad: read the rest so the answer reaches it
      await ctx.done.catch(() => {});
      await fs.rm(work, { recursive: true, force: true }).catch((e) => this.d.log?.(`build: remove ${work}: ${e}`));
    }
  }

  private async readDockerfile(ctx: BuildContext, rel: string, name: string): Promise<string> {
    let buf = await ctx.watched(rel);
    if (!buf) {
      await ctx.done;
      buf = (await ctx.readSmallFile(rel)) ?? (rel === "Dockerfile" ? await ctx.readSmallFile("dockerfile") : undefined);
    }
    if (!buf) throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${name || "Dockerfile"}`);
    return buf.toString("utf8");
  }
}

/** Output held back until `open()` (see Builder.build), then passed through. */
export class GatedOutput implements BuildOutput {
  private held: Array<() => void> | undefined = [];
  constructor(private readonly out: BuildOutput) {}

  stream(text: string): void {
    if (this.held) this.held.push(() => this.out.stream(text));
    else this.out.stream(text);
  }

  aux(id: string): void {
    if (this.held) this.held.push(() => this.out.aux(id));
    else this.out.aux(id);
  }

  open(): void {
    const held = this.held;
    this.held = undefined;
    for (const f of held ?? []) f();
  }
}

