/**
 * Which stages a build needs. A stage depends on another through
 * `FROM <stage>`, `COPY --from=<stage name or index>` and
 * `RUN --mount=…,from=<stage>`; anything that names no earlier stage is an
 * image (or, for `--from`, a named build context) and is the builder's
 * business. Stage names match case-insensitively (Docker lower-cases them).
 *
 * FROM lines are expanded with the meta ARG values (defaults overridden by
 * --build-arg, see resolveMetaArgs; the defaults alone when not given)
 * before they are resolved, as Docker does; `COPY --from` and
 * mount `from=` are expanded with the same values, which covers the common
 * `ARG BUILDER=…` pattern (Docker expands them with the stage's full ARG/ENV
 * state at dispatch, which a static plan cannot know).
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { Dockerfile, Instruction } from "./ast.js";
import { type EnvLookup, envFrom, expandWord } from "./expand.js";

export type MetaArgValues = Record<string, string> | Map<string, string> | EnvLookup;

function lookup(df: Dockerfile, values: MetaArgValues | undefined): EnvLookup {
  if (values === undefined) return envFrom(resolveMetaArgs(df));
  if (typeof values === "function") return values;
  return envFrom(values);
}

/**
 * The values of the meta ARGs (ARG before the first FROM), as Docker computes
 * them: in order, a --build-arg value wins, else the default expanded with the
 * values so far (and `predefined`, e.g. BUILDPLATFORM/TARGETPLATFORM); an ARG
 * with neither is unset (absent from the result).
 */
export function resolveMetaArgs(
  df: Dockerfile,
  buildArgs: Record<string, string> = {},
  predefined: Record<string, string> = {},
): Map<string, string> {
  const values = new Map(Object.entries(predefined));
  const env: EnvLookup = (n) => values.get(n);
  for (const instr of df.metaArgs) {
    // One at a time: in `ARG A=1 B=$A`, B sees A (unlike a stage ARG, which is expanded whole).
    for (const raw of instr.args) {
      const name = expandWord(raw.name, env, df.escape);
      if (Object.hasOwn(buildArgs, name)) values.set(name, buildArgs[name]);
      else if (raw.default !== undefined) values.set(name, expandWord(raw.default, env, df.escape));
    }
  }
  return values;
}

/**
 * The index of the stage `ref` names among the stages before `beforeIndex`,
 * or undefined when it names none (then it is an image name). A number
 * (`--from=0`) is an index; one that is not an earlier stage is an error, as
 * in Docker, rather than an image called "1".
 */
export function resolveStageRef(df: Dockerfile, ref: string, beforeIndex: number): number | undefined {
  if (/^\d+$/.test(ref)) {
    const index = Number(ref);
    if (index >= beforeIndex || index >= df.stages.length) {
      throw new InvalidArgumentError(`invalid from flag value ${ref}: refers to current or future build stage`);
    }
    return index;
  }
  const index = stageIndexByName(df).get(ref.toLowerCase());
  return index !== undefined && index < beforeIndex ? index : undefined;
}

/** Stage names are unique (the parser refuses duplicates), so one map per Dockerfile answers every lookup. */
const nameIndexes = new WeakMap<Dockerfile, Map<string, number>>();
function stageIndexByName(df: Dockerfile): Map<string, number> {
  let index = nameIndexes.get(df);
  if (index === undefined) {
    index = new Map();
    for (const stage of df.stages) if (stage.from.stageName !== undefined) index.set(stage.from.stageName, stage.index);
    nameIndexes.set(df, index);
  }
  return index;
}

/** The stage index a `--target` names (the last stage when none is given). */
export function findTargetStage(df: Dockerfile, target?: string): number {
  if (target === undefined || target === "") return df.stages.length - 1;
  const index = stageIndexByName(df).get(target.toLowerCase());
  if (index === undefined) throw new InvalidArgumentError(`target stage ${JSON.stringify(target)} could not be found`);
  return index;
}

/**
 * Splits a `--mount` value into its fields (`type=bind,from=x,target=/y` →
 * {type, from, target}), keys lower-cased; a field without `=` is a flag set
 * to "true" (`readonly`). Double-quoted fields may hold commas, as in Go's
 * encoding/csv which buildkit uses.
 */
export function parseMountFlag(value: string): Record<string, string> {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"') {
      if (quoted && value[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === "," && !quoted) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  const out: Record<string, string> = {};
  for (const f of fields) {
    const eq = f.indexOf("=");
    const key = (eq < 0 ? f : f.slice(0, eq)).trim().toLowerCase();
    if (key === "") continue;
    out[key] = eq < 0 ? "true" : f.slice(eq + 1);
  }
  return out;
}

/** The stage references an instruction makes (unexpanded). */
function refsOf(instr: Instruction): string[] {
  if (instr.kind === "copy" && instr.from !== undefined) return [instr.from];
  if (instr.kind === "run") {
    return (instr.flags.mount ?? []).map((m) => parseMountFlag(m).from).filter((f): f is string => f !== undefined && f !== "");
  }
  return [];
}

/** The indices of the earlier stages that stage `index` uses directly. */
export function stageDependencies(df: Dockerfile, index: number, metaArgValues?: MetaArgValues): number[] {
  const env = lookup(df, metaArgValues);
  const stage = df.stages[index];
  const deps = new Set<number>();
  // FROM names stages only by name: `FROM 1` is an image.
  const image = expandWord(stage.from.image, env, df.escape);
  const base = /^\d+$/.test(image) ? undefined : resolveStageRef(df, image, index);
  if (base !== undefined) deps.add(base);
  for (const instr of stage.instructions) {
    for (const ref of refsOf(instr)) {
      const resolved = resolveStageRef(df, ref.includes("$") ? expandWord(ref, env, df.escape) : ref, index);
      if (resolved !== undefined) deps.add(resolved);
    }
  }
  return [...deps].sort((a, b) => a - b);
}

/**
 * The stages to build for `target` (default: the last stage): the target and
 * every stage it depends on, transitively, in file order. Unknown target →
 * InvalidArgumentError `target stage "x" could not be found`.
 */
export function stagesNeeded(df: Dockerfile, target?: string, metaArgValues?: MetaArgValues): number[] {
  const targetIndex = findTargetStage(df, target);
  const values = metaArgValues ?? resolveMetaArgs(df);
  const needed = new Set<number>([targetIndex]);
  const todo = [targetIndex];
  while (todo.length > 0) {
    const index = todo.pop() as number;
    for (const dep of stageDependencies(df, index, values)) {
      if (!needed.has(dep)) {
        needed.add(dep);
        todo.push(dep);
      }
    }
  }
  return [...needed].sort((a, b) => a - b);
}
