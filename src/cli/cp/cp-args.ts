/**
 * `cp` operands as the docker CLI's splitCpArg reads them: an absolute path,
 * a path whose part before the first ":" starts with ".", or a path without
 * ":" is local; `NAME:PATH` names a container path; `-` is a tar on
 * stdin/stdout. Exactly one side must be a container.
 */
import { CliError } from "../exit-codes.js";

export type CpOperand = { kind: "local"; path: string } | { kind: "stream" } | { kind: "container"; container: string; path: string };

export type CpPlan =
  | { direction: "from-container"; container: string; path: string; dest: { kind: "local"; path: string } | { kind: "stream" } }
  | { direction: "to-container"; container: string; path: string; source: { kind: "local"; path: string } | { kind: "stream" } };

export function parseCpOperand(arg: string): CpOperand {
  if (arg === "-") return { kind: "stream" };
  if (arg.startsWith("/")) return { kind: "local", path: arg };
  const colon = arg.indexOf(":");
  if (colon < 0 || arg.slice(0, colon).startsWith(".")) return { kind: "local", path: arg };
  return { kind: "container", container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

export function planCopy(srcArg: string, dstArg: string): CpPlan {
  const src = parseCpOperand(srcArg);
  const dst = parseCpOperand(dstArg);
  if (src.kind === "container" && dst.kind === "container") throw new CliError("copying between containers is not supported");
  if (src.kind === "container") {
    if (!src.path) throw new CliError("source can not be empty");
    return { direction: "from-container", container: src.container, path: src.path, dest: dst as { kind: "local"; path: string } | { kind: "stream" } };
  }
  if (dst.kind === "container") {
    if (!dst.path) throw new CliError("destination can not be empty");
    return { direction: "to-container", container: dst.container, path: dst.path, source: src };
  }
  throw new CliError("must specify at least one container source");
}
