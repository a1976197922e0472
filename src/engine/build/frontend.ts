/**
 * The builder's one door to the Dockerfile front end (src/build/): parsing,
 * variable substitution, stage selection and .dockerignore. Keeping the
 * calls here means the rest of the builder depends on the AST (ast.ts) only.
 */
import type { Dockerfile, Instruction, Stage } from "../../build/dockerfile/ast.js";
import { DockerfileParseError, parseDockerfile } from "../../build/dockerfile/parse.js";
import { envFrom, expandInstruction } from "../../build/dockerfile/expand.js";
import { resolveMetaArgs, resolveStageRef, stagesNeeded } from "../../build/dockerfile/stages.js";
import { DockerIgnore } from "../../build/context/dockerignore.js";
export { resolveRunCommand } from "../../build/dockerfile/run-command.js";
import { InvalidArgumentError } from "../../errors/index.js";

export function parse(text: string): Dockerfile {
  try {
    return parseDockerfile(text);
  } catch (e) {
    if (e instanceof DockerfileParseError) throw new InvalidArgumentError(e.message, { cause: e });
    throw e;
  }
}

export function expand<T extends Instruction>(i: T, env: Record<string, string>, escape: string): T {
  return expandInstruction(i, envFrom(env), escape) as T; // its errors are InvalidArgumentErrors already
}

/** The stages `target` needs, in file order (FROM lines resolved with the meta ARGs and --build-arg values). */
export function neededStages(df: Dockerfile, target: string | undefined, buildArgs: Record<string, string>): Stage[] {
  return stagesNeeded(df, target, resolveMetaArgs(df, buildArgs)).map((i) => df.stages[i]!);
}

/** The earlier stage `ref` names (by name or index), or undefined for an image name. */
export function stageRef(df: Dockerfile, ref: string, beforeIndex: number): Stage | undefined {
  const i = resolveStageRef(df, ref, beforeIndex);
  return i === undefined ? undefined : df.stages[i];
}

export function ignoreMatcher(text: string): (rel: string) => boolean {
  const ig = DockerIgnore.parse(text);
  return (rel) => ig.matches(rel);
}
