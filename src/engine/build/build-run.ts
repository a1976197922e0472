/**
 * One build's steps, in order (see builder.ts for the whole flow): stages the
 * target needs, and for each step its expansion, cache lookup and dispatch —
 * metadata (config only), WORKDIR and COPY/ADD (a snapshot of their own),
 * RUN (a container) — each committed as an image on the previous step's.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import type { CopyInstruction, Dockerfile, Instruction, RunInstruction, Stage } from "../../build/dockerfile/ast.js";
import { InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { shortId } from "../../oci/digest.js";
import { familiarString, parseReference } from "../../oci/reference.js";
import { DeferredSync } from "../../durable/deferred-sync.js";
import { mkdirInRoot } from "../../sys/secure-join.js";
import type { Image } from "../images/image-service.js";
import { stepKey, type BuildCache } from "./build-cache.js";
import type { BuildDeps } from "./build-deps.js";
import type { BuildRequest, GatedOutput } from "./builder.js";
import type { BuildContext } from "./context/build-context.js";
import { parseOnbuildTriggers } from "../../build/dockerfile/parse.js";
import { expand, ignoreMatcher, neededStages, parse, resolveRunCommand, stageRef } from "./frontend.js";
import { PREDEFINED_ARGS, runBuildArgs, shellOf, substitutionEnv, type StageState } from "./stage-state.js";
import { applyCopy, canStreamLayer, prepareCopy } from "./steps/copy-step.js";
import { nop1CreatedBy, runCreatedBy } from "./steps/created-by.js";
import { withFsStep, withStreamingFsStep } from "./steps/fs-step.js";
import { applyMetadata, isMetadataInstruction, resolveWorkdir } from "./steps/metadata-step.js";
import { runStep } from "./steps/run-step.js";

interface StageResult {
  imageId: string | null;
}

function hostOf(ref: string): string {
  try {
    return parseReference(ref).domain;
  } catch {
    return "";
  }
}

/** One build's mutable state; lives as long as the request. */
export class BuildRun {
  private step = 0;
  private total = 0;
  private readonly stageResults = new Map<number, StageResult>();
  private readonly usedArgs = new Set<string>();
  /** --cache-from step images by step key (loadCacheFrom) */
  private readonly cacheFrom = new Map<string, string>();
  /** container removals still running (run-step.ts deferRemoval); awaited before the build ends */
  readonly removals: Array<Promise<void>> = [];
  private readonly metaArgs = new Map<string, string | undefined>();
  private cacheBroken: boolean;

  constructor(
    private readonly d: BuildDeps,
    private readonly cache: BuildCache,
    private readonly req: BuildRequest,
    private readonly df: Dockerfile,
    private readonly ctx: BuildContext,
    private readonly work: string,
    private readonly out: GatedOutput,
    /** This build's key for its shared network sandbox (BuildSandboxes). */
    private readonly sandboxKey: string,
  ) {
    this.cacheBroken = req.noCache;
    this.sync = new DeferredSync(d.workRoot);
    // a broken context fails the step that awaits it (or the build's end); here it only must not go unhandled
    this.contextReady().catch(() => {});
  }

  private whenContextReady?: Promise<void>;

  /**
   * Waits for the whole context, applies .dockerignore once, and lets the
   * held output through. Started with the build (constructor): the output of
   * steps that need no context file (RUN) streams from the moment the context
   * is in, not from the first COPY or the end of the build.
   */
  private contextReady(): Promise<void> {
    this.whenContextReady ??= (async () => {
      await this.ctx.done;
      const ignore = (await this.ctx.watched(".dockerignore")) ?? (await this.ctx.readSmallFile(".dockerignore"));
      if (ignore) this.ctx.applyIgnore(ignoreMatcher(ignore.toString("utf8")));
      this.out.open();
    })();
    return this.whenContextReady;
  }

  private say(text: string): void {
    if (!this.req.quiet) this.out.stream(text);
  }

  /**
   * The build's durability batch (deferred-sync.ts): step blobs, layers and
   * records skip their own fsyncs; one syncfs before the tag (and before the
   * cache learns of the new step images) makes them all durable at once.
   */
  private readonly sync: DeferredSync;
  /** Cache entries made by this build, stored once the sync has made their images durable. */
  private readonly pendingCache = new Map<string, string>();

  async run(): Promise<string> {
    let finalId: string | undefined;
    try {
      finalId = await this.runSteps();
    } finally {
      // also after a failure: the steps that succeeded stay cached, as with Docker
      await this.sync.flush();
      for (const [key, id] of this.pendingCache) await this.cache.store(key, id);
    }
    // the tag's own write is synced as usual, after everything it names
    await this.d.images.tagBuiltImage(finalId!, this.req.tagKeys);
    for (const t of this.req.tagKeys) this.say(`Successfully tagged ${familiarString(parseReference(t))}\n`);
    return finalId;
  }

  private async runSteps(): Promise<string> {
    const stages = neededStages(this.df, this.req.target, this.req.buildArgs);
    if (this.req.cacheFrom.length > 0 && !this.req.noCache) await this.loadCacheFrom();
    const hasLabels = Object.keys(this.req.labels).length > 0;
    this.total = this.df.metaArgs.length + stages.reduce((n, s) => n + 1 + s.instructions.length, 0) + (hasLabels ? 1 : 0);
    for (const a of this.df.metaArgs) {
      this.announce(a.original);
      const env = this.metaEnv();
      for (const arg of expand(a, env, this.df.escape).args) {
        this.metaArgs.set(arg.name, Object.hasOwn(this.req.buildArgs, arg.name) ? this.req.buildArgs[arg.name] : arg.default);
        this.usedArgs.add(arg.name);
      }
    }
    let last: StageState | undefined;
    for (const stage of stages) {
      last = await this.runStage(stage, hasLabels && stage === stages.at(-1));
      this.stageResults.set(stage.index, { imageId: last.imageId });
    }
    const finalId = last?.imageId;
    if (!finalId) throw new InvalidArgumentError("No image was generated. Is your Dockerfile empty?");
    const unused = Object.keys(this.req.buildArgs).filter((k) => !this.usedArgs.has(k) && !PREDEFINED_ARGS.has(k));
    await this.contextReady();
    if (unused.length > 0) this.say(`[Warning] One or more build-args [${unused.join(" ")}] were not consumed\n`);
    this.out.aux(finalId);
    this.say(`Successfully built ${shortId(finalId)}\n`);
    return finalId;
  }

  private metaEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of this.metaArgs) if (v !== undefined) env[k] = v;
    return env;
  }

  private announce(original: string): void {
    this.step++;
    this.say(`Step ${this.step}/${this.total} : ${original}`);
    this.say("\n");
  }

  private async resolveBase(ref: string): Promise<Image> {
    const auth = this.req.auth[hostOf(ref)];
    if (this.req.pull && this.d.images.pull) return this.d.images.pull(ref, { auth, signal: this.req.signal });
    try {
      return await this.d.images.get(ref);
    } catch (e) {
      if (!(e instanceof NotFoundError) || !this.d.images.pull) throw e;
      try {
        return await this.d.images.pull(ref, { auth, signal: this.req.signal });
      } catch (pullErr) {
        // Docker shows the pull's own error only ("Get https://…: no such host"); name the image too
        throw new NotFoundError(`No such image: ${ref} (not found locally, and pulling it failed: ${pullErr instanceof Error ? pullErr.message : String(pullErr)})`, { cause: pullErr });
      }
    }
  }

  private async runStage(stage: Stage, addLabels: boolean): Promise<StageState> {
    this.announce(stage.from.original);
    const from = expand(stage.from, this.metaEnv(), this.df.escape);
    // `FROM 1` names an image, never a stage (Docker: stages are referenced by name in FROM)
    const ref = /^\d+$/.test(from.image) ? undefined : stageRef(this.df, from.image, stage.index);
    let base: Image | null = null;
    if (ref) {
      const prior = this.stageResults.get(ref.index);
      if (!prior) throw new InvalidArgumentError(`stage ${from.image} was not built`);
      base = prior.imageId ? await this.d.images.get(prior.imageId) : null;
    } else if (from.image.toLowerCase() !== "scratch") {
      base = await this.resolveBase(from.image);
    }
    this.say(` ---> ${base ? shortId(base.id) : ""}\n`);
    const st: StageState = {
      imageId: base?.id ?? null,
      config: { ...(base?.config.config ?? {}) },
      cmdSet: false,
      args: new Map(),
      author: base?.config.author,
      platform: this.req.platform,
    };
    // Docker adds the default PATH when the base sets none (moby dispatchers.go initializeStage)
    if (!(st.config.Env ?? []).some((e) => e.startsWith("PATH="))) st.config.Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...(st.config.Env ?? [])];
    const triggers = st.config.OnBuild ?? [];
    if (triggers.length > 0) {
      this.say(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? "s" : ""}\n`);
      st.config = { ...st.config, OnBuild: [] };
      // parseOnbuildTriggers refuses FROM, MAINTAINER and nested ONBUILD triggers as Docker does
      for (const t of parseOnbuildTriggers(triggers, this.df.escape)) await this.dispatch(st, stage, t);
    }
    for (const instr of stage.instructions) {
      this.announce(instr.original);
      await this.dispatch(st, stage, instr);
    }
    if (addLabels) {
      const text = `LABEL ${Object.entries(this.req.labels).map(([k, v]) => `"${k}"='${v}'`).join(" ")}`;
      this.announce(text);
      // --label values are taken literally: no variable substitution (a "$" in a value stays)
      const pairs = Object.entries(this.req.labels);
      await this.dispatch(st, stage, { kind: "label", pairs, rawPairs: pairs, pos: { line: 0, column: 0 }, endLine: 0, original: text }, { literal: true });
    }
    return st;
  }

  /**
   * --cache-from: the step images under each given image (its parent chain, as
   * a local build leaves it), by parent and created_by. Images without
   * parents (pulled, loaded) give nothing here, and a COPY's --chown/--chmod
   * are not in created_by, so such a COPY never matches through this map.
   */
  private async loadCacheFrom(): Promise<void> {
    for (const ref of this.req.cacheFrom) {
      let cur = await this.d.images.get(ref).catch(() => undefined);
      if (!cur) {
        this.say(`[Warning] --cache-from ${ref}: no such image here, ignored\n`);
        continue;
      }
      for (let depth = 0; cur && cur.parent && depth < 10_000; depth++) {
        const createdBy = cur.config.history?.at(-1)?.created_by;
        if (createdBy !== undefined) this.cacheFrom.set(stepKey(cur.parent, createdBy, ""), cur.id);
        cur = await this.d.images.get(cur.parent).catch(() => undefined);
      }
    }
  }

  private async lookup(parentId: string | null, createdBy: string, extra = ""): Promise<string | undefined> {
    if (this.cacheBroken) return undefined;
    const key = stepKey(parentId, createdBy, extra);
    const exists = async (id: string) => this.d.images.get(id).then(() => true, () => false);
    const pending = this.pendingCache.get(key);
    let hit = pending ?? (await this.cache.lookup(key, exists));
    if (!hit && extra === "") {
      const candidate = this.cacheFrom.get(key);
      if (candidate && (await exists(candidate))) hit = candidate;
    }
    if (hit) {
      this.say(" ---> Using cache\n");
      this.say(` ---> ${shortId(hit)}\n`);
    }
    return hit;
  }

  private async remember(parentId: string | null, createdBy: string, imageId: string, extra = ""): Promise<void> {
    this.pendingCache.set(stepKey(parentId, createdBy, extra), imageId);
    this.say(` ---> ${shortId(imageId)}\n`);
  }

  private async dispatch(st: StageState, stage: Stage, raw: Instruction, o: { literal?: boolean } = {}): Promise<void> {
    if (raw.kind === "from") throw new InvalidArgumentError("FROM cannot be used in an ONBUILD trigger");
    if (raw.kind === "arg") for (const a of raw.args) this.usedArgs.add(a.name);
    const env = substitutionEnv(st);
    if (raw.kind === "arg") {
      // ARG re-declaring a meta ARG without a default inherits its value (Docker's global scope)
      for (const [k, v] of this.metaArgs) if (v !== undefined && !(k in env)) env[k] = v;
    }
    const i = o.literal || raw.kind === "run" || raw.kind === "cmd" || raw.kind === "entrypoint" || raw.kind === "shell" || raw.kind === "healthcheck" || raw.kind === "onbuild" ? raw : expand(raw, env, this.df.escape);
    if (i.kind === "run") return this.runInstruction(st, i);
    if (i.kind === "copy" || i.kind === "add") return this.copyInstruction(st, i, stage.index);
    if (i.kind === "workdir") return this.workdirInstruction(st, i.value);
    if (!isMetadataInstruction(i)) throw new InvalidArgumentError(`unknown instruction: ${(i as Instruction).kind}`);
    if (i.kind === "arg") {
      for (const a of i.args) if (a.default === undefined && this.metaArgs.get(a.name) !== undefined && !Object.hasOwn(this.req.buildArgs, a.name)) a.default = this.metaArgs.get(a.name);
    }
    const r = applyMetadata(st, i, this.req.buildArgs);
    const parent = st.imageId;
    st.config = r.config;
    st.cmdSet = r.cmdSet;
    st.author = r.author;
    await this.throughCache(st, r.createdBy, "", async () => {
      const img = await this.d.images.commitBuildStep({ parentImageId: parent, config: r.config, createdBy: r.createdBy, containerConfig: this.containerConfig(st, r.createdBy), author: r.author, platform: st.platform, deferSync: this.sync });
      return img.id;
    });
  }

  /**
   * One step through the cache: a hit (parent image + step text + `keyExtra`)
   * moves the stage onto the cached image; a miss breaks the cache for the
   * steps after it, runs `make` and remembers the image it returns.
   */
  private async throughCache(st: StageState, createdBy: string, keyExtra: string, make: () => Promise<string>): Promise<void> {
    const parent = st.imageId;
    const hit = await this.lookup(parent, createdBy, keyExtra);
    if (hit) {
      st.imageId = hit;
      return;
    }
    this.cacheBroken = true;
    const id = await make();
    st.imageId = id;
    await this.remember(parent, createdBy, id, keyExtra);
  }

  private containerConfig(st: StageState, createdBy: string) {
    const shell = shellOf(st);
    return { ...st.config, Cmd: [...shell, `#(nop) `, createdBy.slice(shell.join(" ").length + " #(nop) ".length).trimStart()] };
  }

  private async currentImage(st: StageState): Promise<Image | null> {
    return st.imageId ? this.d.images.get(st.imageId) : null;
  }

  private async commitFs(st: StageState, createdBy: string, layer: Readable | undefined, snapshotKey: string): Promise<string> {
    const img = await this.d.images.commitBuildStep({ parentImageId: st.imageId, config: st.config, createdBy, containerConfig: this.containerConfig(st, createdBy), author: st.author, layer, snapshotKey, platform: st.platform, deferSync: this.sync });
    return img.id;
  }

  private async workdirInstruction(st: StageState, value: string): Promise<void> {
    const dir = resolveWorkdir(st.config.WorkingDir, value);
    const createdBy = nop1CreatedBy(shellOf(st), `WORKDIR ${dir}`);
    st.config = { ...st.config, WorkingDir: dir };
    await this.throughCache(st, createdBy, "", async () => {
      const base = await this.currentImage(st);
      return withFsStep(this.d, base, async (root) => void (await mkdirInRoot(root, dir)), (layer, key) => this.commitFs(st, createdBy, layer, key));
    });
  }

  /** What the RUN executes (the parser's resolveRunCommand decides heredoc forms as Docker does). */
  private runArgv(st: StageState, i: RunInstruction): string[] {
    const c = resolveRunCommand(i);
    if (c.kind === "exec") return c.args;
    if (c.kind === "shell") return [...shellOf(st), c.text];
    // `RUN <<EOF` with a #! script: Docker runs it as a file under /dev/pipes (a tmpfs, so never in the layer)
    const file = `/dev/pipes/${c.name}`;
    const end = `BERTH_HEREDOC_${createHash("sha256").update(c.content).digest("hex").slice(0, 12)}`; // stable: the step text is the cache key
    return [...shellOf(st), `mkdir -p /dev/pipes && cat > ${file} <<'${end}'\n${c.content}${end}\nchmod 755 ${file} && exec ${file}`];
  }

  private async runInstruction(st: StageState, i: RunInstruction): Promise<void> {
    for (const f of Object.keys(i.flags)) if (f !== "network") this.say(`[Warning] RUN --${f} is ignored by the classic builder\n`);
    const argv = this.runArgv(st, i);
    const args = runBuildArgs(st);
    const createdBy = runCreatedBy(argv, args);
    await this.throughCache(st, createdBy, "", () => this.runContainerStep(st, argv, args, createdBy, i.flags["network"]?.[0] === "none"));
  }

  /** Runs a RUN step's container and commits its changes; the image ID. */
  private async runContainerStep(st: StageState, argv: string[], args: string[], createdBy: string, noNetwork: boolean): Promise<string> {
    const base = await this.currentImage(st);
    if (!base) throw new InvalidArgumentError("RUN needs a base image with a command interpreter: this stage starts FROM scratch and has no files yet");
    const proxyEnv = Object.entries(this.req.buildArgs).filter(([k]) => PREDEFINED_ARGS.has(k)).map(([k, v]) => `${k}=${v}`);
    let ctr = "";
    const network = noNetwork ? "none" : this.req.networkMode;
    try {
      const id = await runStep(
        this.d,
        {
          image: base,
          argv,
          env: [...(st.config.Env ?? []), ...args, ...proxyEnv],
          user: st.config.User ?? "",
          workingDir: st.config.WorkingDir ?? "",
          networkMode: network,
          // host and none need no sandbox of berth's
          shareSandbox: network === "default" || network === "bridge" ? (cid) => this.d.sandboxes?.shareBuildSandbox(cid, this.sandboxKey) : undefined,
          commandText: argv.join(" "),
          removeOnFailure: this.req.rm || this.req.forceRm,
          deferRemoval: (p) => this.removals.push(p),
          onStarted: (cid) => {
            ctr = cid;
            this.say(` ---> Running in ${shortId(cid)}\n`);
          },
          onOutput: (t) => this.say(t),
          signal: this.req.signal,
        },
        (layer, key) => this.commitFs(st, createdBy, layer, key),
      );
      this.say(`Removing intermediate container ${shortId(ctr)}\n`);
      return id;
    } catch (e) {
      if (ctr && (this.req.rm || this.req.forceRm)) this.say(`Removing intermediate container ${shortId(ctr)}\n`);
      throw e;
    }
  }

  private async copyInstruction(st: StageState, i: CopyInstruction, stageIndex: number): Promise<void> {
    if (i.from !== undefined && i.kind === "add") throw new InvalidArgumentError("ADD does not support --from; use COPY --from");
    await this.contextReady();
    const shell = shellOf(st);
    const scratch = path.join(this.work, `step-${this.step}`);
    await fs.mkdir(scratch, { recursive: true });
    const go = async (fromRoot?: { root: string; imageId: string }) => {
      const prepared = await prepareCopy(i, st.config.WorkingDir ?? "", { context: this.ctx, fromRoot, scratch }, shell);
      await this.throughCache(st, prepared.createdBy, prepared.keyExtra, async () => {
        const base = await this.currentImage(st);
        return canStreamLayer(prepared)
          ? withStreamingFsStep(this.d, base, (root, tar) => applyCopy(prepared, root, tar), (layer, key) => this.commitFs(st, prepared.createdBy, layer, key))
          : withFsStep(this.d, base, (root) => applyCopy(prepared, root), (layer, key) => this.commitFs(st, prepared.createdBy, layer, key));
      });
    };
    if (i.from === undefined) return go();
    const stage = stageRef(this.df, i.from, stageIndex);
    let source: Image | null;
    if (stage) {
      const r = this.stageResults.get(stage.index);
      if (!r) throw new InvalidArgumentError(`COPY --from=${i.from}: that stage was not built before this one`);
      source = r.imageId ? await this.d.images.get(r.imageId) : null;
    } else {
      source = await this.resolveBase(i.from);
    }
    await withFsStep(this.d, source, async (root) => go({ root, imageId: source?.id ?? "scratch" }), async () => undefined);
  }
}
