/**
 * Metadata instructions: each changes only the image config (no container,
 * no layer) and gets a history entry with `empty_layer: true`, its
 * created_by as Docker writes it (created-by.ts). The instruction arrives
 * already expanded (expandInstruction) where Docker expands.
 */
import path from "node:path";
import type { ArgInstruction, CmdInstruction, HealthcheckInstruction, Instruction, KeyValueInstruction, ListInstruction, OnbuildInstruction, ShellInstruction, WordInstruction } from "../../../build/dockerfile/ast.js";
import { exposedPorts } from "../../../build/dockerfile/expose.js";
import { InvalidArgumentError } from "../../../errors/index.js";
import type { ImageRunConfig } from "../../images/image-service.js";
import { setEnv, shellOf, type StageState } from "../stage-state.js";
import { goDuration, goList, goQuoteList, goRune, nopCreatedBy } from "./created-by.js";

export type MetadataInstruction = KeyValueInstruction | ArgInstruction | CmdInstruction | WordInstruction | ListInstruction | ShellInstruction | HealthcheckInstruction | OnbuildInstruction;

export function isMetadataInstruction(i: Instruction): i is MetadataInstruction {
  return !["run", "copy", "add", "from", "workdir"].includes(i.kind);
}

export interface MetadataResult {
  config: ImageRunConfig;
  createdBy: string;
  cmdSet: boolean;
  author?: string;
}

/** The absolute WORKDIR a `WORKDIR value` gives (relative values are joined to the current one). */
export function resolveWorkdir(current: string | undefined, value: string): string {
  return path.posix.resolve("/", current || "/", value);
}

function commandOf(st: StageState, i: CmdInstruction): string[] {
  return i.cmd.kind === "exec" ? i.cmd.args : [...shellOf(st), i.cmd.text];
}

/**
 * Applies one metadata instruction to the stage; `buildArgs` are the
 * --build-arg values (ARG picks its value there, else its default).
 */
export function applyMetadata(st: StageState, i: MetadataInstruction, buildArgs: Record<string, string>): MetadataResult {
  const c: ImageRunConfig = { ...st.config };
  const shell = shellOf(st);
  let cmdSet = st.cmdSet;
  let author = st.author;
  let text = "";
  switch (i.kind) {
    case "env": {
      let env = c.Env ?? [];
      for (const [k, v] of i.pairs) env = setEnv(env, k, v);
      c.Env = env;
      text = `ENV ${i.pairs.map(([k, v]) => `${k}=${v}`).join(" ")}`;
      break;
    }
    case "label":
      c.Labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of i.pairs) c.Labels[k] = v;
      text = `LABEL ${i.pairs.map(([k, v]) => `${k}=${v}`).join(" ")}`;
      break;
    case "arg":
      for (const a of i.args) st.args.set(a.name, Object.hasOwn(buildArgs, a.name) ? buildArgs[a.name] : a.default);
      text = `ARG ${i.args.map((a) => (a.default !== undefined ? `${a.name}=${a.default}` : a.name)).join(" ")}`;
      break;
    case "cmd":
      c.Cmd = commandOf(st, i);
      cmdSet = true;
      text = `CMD ${goQuoteList(c.Cmd)}`;
      break;
    case "entrypoint":
      c.Entrypoint = commandOf(st, i);
      if (!cmdSet) c.Cmd = null;
      text = `ENTRYPOINT ${goQuoteList(c.Entrypoint)}`;
      break;
    case "user":
      c.User = i.value;
      text = `USER ${i.value}`;
      break;
    case "stopsignal":
      if (!/^(SIG)?[A-Z0-9+-]+$/i.test(i.value)) throw new InvalidArgumentError(`Invalid signal: ${i.value}`);
      c.StopSignal = i.value;
      text = `STOPSIGNAL ${i.value}`;
      break;
    case "maintainer":
      author = i.value;
      text = `MAINTAINER ${i.value}`;
      break;
    case "expose":
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of exposedPorts(i.values)) c.ExposedPorts[p] = {};
      text = `EXPOSE ${i.values.join(" ")}`;
      break;
    case "volume":
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const v of i.values) {
        if (v.trim() === "") throw new InvalidArgumentError("VOLUME specified can not be an empty string");
        c.Volumes[v] = {};
      }
      text = `VOLUME ${goList(i.values)}`;
      break;
    case "shell":
      if (i.args.length === 0) throw new InvalidArgumentError("SHELL requires at least one argument");
      c.Shell = i.args;
      text = `SHELL ${goList(i.args)}`;
      break;
    case "onbuild":
      c.OnBuild = [...(c.OnBuild ?? []), i.trigger];
      text = `ONBUILD ${i.trigger}`;
      break;
    case "healthcheck": {
      if (i.none) {
        c.Healthcheck = { Test: ["NONE"] };
        text = `HEALTHCHECK &{${goQuoteList(["NONE"])} "0s" "0s" "0s" ${goRune(0)}}`;
        break;
      }
      const hc: Record<string, unknown> = { Test: i.test };
      if (i.interval) hc["Interval"] = i.interval;
      if (i.timeout) hc["Timeout"] = i.timeout;
      if (i.startPeriod) hc["StartPeriod"] = i.startPeriod;
      if (i.startInterval) hc["StartInterval"] = i.startInterval;
      if (i.retries) hc["Retries"] = i.retries;
      c.Healthcheck = hc;
      text = `HEALTHCHECK &{${goQuoteList(i.test ?? [])} "${goDuration(i.interval ?? 0)}" "${goDuration(i.timeout ?? 0)}" "${goDuration(i.startPeriod ?? 0)}" ${goRune(i.retries ?? 0)}}`;
      break;
    }
  }
  // Docker writes SHELL's own entry with the new shell already in force
  return { config: c, createdBy: nopCreatedBy(i.kind === "shell" ? i.args : shell, text), cmdSet, author };
}
