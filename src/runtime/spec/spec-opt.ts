/**
 * A SpecOpt is one small, pure step of building config.json: it reads the
 * engine's SpecInput and the host facts and mutates the spec being built.
 * build-spec.ts applies them in order; each file in this folder holds the
 * opts of one concern (process, namespaces, mounts, capabilities, devices,
 * resources), so no single function grows with every Docker flag.
 */
import type { SpecInput } from "../runtime-driver.js";
import type { HostInfo, OciSpec } from "./oci-spec.js";

export type SpecOpt = (spec: OciSpec, input: SpecInput, host: HostInfo) => void;
