/**
 * parseDockerfile: Dockerfile text → the Dockerfile AST (ast.ts), with
 * Docker's (buildkit's) grammar and error messages.
 *
 * Two phases, as in buildkit: scan.ts turns physical lines into logical
 * instruction lines (directives, comments, continuations, heredoc bodies,
 * limits); instructions.ts turns each into a typed Instruction. Then the
 * instructions are grouped into stages: ARGs before the first FROM are meta
 * ARGs, anything else before it is an error.
 */
import type { ArgInstruction, Dockerfile, Instruction, Stage } from "./ast.js";
import { buildInstruction } from "./instructions.js";
import { DockerfileParseError } from "./parse-error.js";
import { scanDockerfile } from "./scan.js";

export { DockerfileParseError } from "./parse-error.js";
export { MAX_DOCKERFILE_BYTES, MAX_INSTRUCTIONS, MAX_LINE_LENGTH } from "./scan.js";

/** `name`: the Dockerfile's path in the context (`-f`), for Docker's empty-file message. */
export function parseDockerfile(text: string, options: { name?: string } = {}): Dockerfile {
  const scanned = scanDockerfile(text);
  // Docker's two messages: a 0-byte file, and a file of only comments/blank lines.
  if (text.length === 0) {
    throw new DockerfileParseError(`the Dockerfile (${options.name ?? "Dockerfile"}) cannot be empty`, 1, 1, { bare: true });
  }
  if (scanned.lines.length === 0) throw new DockerfileParseError("file with no instructions", 1, 1, { bare: true });
  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  const stageNames = new Set<string>();
  for (const line of scanned.lines) {
    let instr: Instruction;
    try {
      instr = buildInstruction(line, scanned.escape);
    } catch (err) {
      if (err instanceof DockerfileParseError) throw err;
      throw new DockerfileParseError((err as Error).message, line.startLine, line.column, { cause: err });
    }
    if (instr.kind === "from") {
      if (instr.stageName !== undefined) {
        if (stageNames.has(instr.stageName)) {
          throw new DockerfileParseError(`duplicate stage name ${JSON.stringify(instr.stageName)}`, line.startLine, line.column);
        }
        stageNames.add(instr.stageName);
      }
      stages.push({ index: stages.length, from: instr, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instr);
    } else if (instr.kind === "arg") {
      metaArgs.push(instr);
    } else {
      throw new DockerfileParseError("no build stage in current context", line.startLine, line.column);
    }
  }
  if (stages.length === 0) {
    const last = scanned.lines[scanned.lines.length - 1];
    throw new DockerfileParseError("no build stage in current context", last.startLine, last.column);
  }
  return {
    directives: scanned.directives,
    escape: scanned.escape,
    metaArgs,
    stages,
    warnings: scanned.warnings,
  };
}

/**
 * The ONBUILD triggers of a base image (its config's OnBuild strings, e.g.
 * "RUN echo hi"), parsed as the instructions they become in the child
 * stage. Docker parses each trigger as a tiny Dockerfile and refuses FROM,
 * MAINTAINER and ONBUILD there; errors name the trigger, not a line.
 */
export function parseOnbuildTriggers(triggers: string[], escape = "\\"): Instruction[] {
  const out: Instruction[] = [];
  for (const trigger of triggers) {
    let lines;
    try {
      lines = scanDockerfile(trigger).lines;
    } catch (err) {
      throw new DockerfileParseError(`invalid ONBUILD trigger ${JSON.stringify(trigger)}: ${(err as DockerfileParseError).reason ?? String(err)}`, 1, 1, { bare: true, cause: err });
    }
    for (const line of lines) {
      let instr: Instruction;
      try {
        instr = buildInstruction(line, escape);
        if (instr.kind === "onbuild") throw new Error("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (instr.kind === "from" || instr.kind === "maintainer") {
          throw new Error(`${instr.kind.toUpperCase()} isn't allowed as an ONBUILD trigger`);
        }
      } catch (err) {
        throw new DockerfileParseError(`invalid ONBUILD trigger ${JSON.stringify(trigger)}: ${(err as Error).message}`, line.startLine, line.column, { bare: true, cause: err });
      }
      out.push(instr);
    }
  }
  return out;
}
