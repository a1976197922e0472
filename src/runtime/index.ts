/**
 * runtime/: the OCI runtime driver. openRuntimeDriver() is the one way the
 * daemon builds it: it picks runc or crun for this host, finds conmon and
 * the attach helper, reads the host facts the spec needs, and returns a
 * RuntimeDriver.
 */
import { InvalidArgumentError } from "../errors/index.js";
import { findAttachHelper } from "./attach-stdin.js";
import { ConmonRuntime } from "./conmon-runtime.js";
import { detectRuntime, findExecutable } from "./runtime-select.js";
import { readHostInfo } from "./spec/host-info.js";

export type { RuntimeDriver, SpecInput, CreateOptions, ExitInfo, RuntimeState } from "./runtime-driver.js";
export { ConmonRuntime, type ConmonRuntimeOptions } from "./conmon-runtime.js";
export { RuntimeCreateError, createFailureCode } from "./create-error.js";
export { resolveUser } from "./spec/user.js";
export { buildSpec } from "./spec/build-spec.js";
export { detectRuntime } from "./runtime-select.js";

export async function openRuntimeDriver(opts: {
  execRoot: string;
  /** "runc", "crun" or a path; default: the one that works on this host. */
  runtime?: string;
  conmonPath?: string;
  attachHelperPath?: string;
}): Promise<ConmonRuntime> {
  const runtime = await detectRuntime(opts.runtime);
  const conmonPath = opts.conmonPath ?? (await findExecutable("conmon"));
  if (!conmonPath) throw new InvalidArgumentError("conmon not found: install conmon");
  return new ConmonRuntime({
    execRoot: opts.execRoot,
    runtime,
    conmonPath,
    attachHelperPath: opts.attachHelperPath ?? (await findAttachHelper()),
    host: await readHostInfo(),
  });
}
