/**
 * `docker import --change` / `docker commit --change`: Dockerfile-style
 * instructions applied to an image's run config. Supported, as in Docker:
 * CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL
 * (plus ONBUILD is refused like the rest). CMD/ENTRYPOINT/VOLUME accept the
 * JSON form (["a","b"]) and the shell form (`sh -c 'x'` → ["/bin/sh","-c","sh -c 'x'"]).
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { ImageRunConfig } from "./image-service.js";

const SUPPORTED = new Set(["CMD", "ENTRYPOINT", "ENV", "WORKDIR", "USER", "LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL"]);

/** A JSON array of strings, or undefined when `s` is not one (then it is shell form). */
function jsonArray(s: string): string[] | undefined {
  if (!s.startsWith("[")) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
  } catch {
    /* not JSON: shell form */
  }
  return undefined;
}

/** Splits `a=b "c d"=e f='g h'` into words, honouring quotes and backslash escapes. */
export function splitWords(s: string): string[] {
  const words: string[] = [];
  let cur = "";
  let quote: string | null = null;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new InvalidArgumentError(`unterminated quote in ${JSON.stringify(s)}`);
  if (inWord) words.push(cur);
  return words;
}

/** ENV/LABEL arguments: `k=v k2="v 2"` or the legacy single pair `k v w`. */
function keyValues(instr: string, args: string): Array<[string, string]> {
  const words = splitWords(args);
  if (words.length === 0) throw new InvalidArgumentError(`${instr} requires at least one argument`);
  if (!words[0]!.includes("=")) {
    const m = /^(\S+)\s+(.*)$/s.exec(args.trim());
    if (!m) throw new InvalidArgumentError(`${instr} requires at least two arguments`);
    return [[m[1]!, m[2]!]];
  }
  return words.map((w) => {
    const eq = w.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`${instr} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function commandForm(args: string): string[] {
  return jsonArray(args) ?? ["/bin/sh", "-c", args];
}

function applyOne(cfg: ImageRunConfig, line: string): void {
  const m = /^\s*(\S+)\s*(.*?)\s*$/s.exec(line);
  if (!m || m[1] === undefined) return;
  const instr = m[1].toUpperCase();
  const args = m[2] ?? "";
  if (!SUPPORTED.has(instr)) throw new InvalidArgumentError(`${instr} is not a valid change command`);
  switch (instr) {
    case "CMD":
      cfg.Cmd = commandForm(args);
      break;
    case "ENTRYPOINT":
      cfg.Entrypoint = args === "" ? null : commandForm(args);
      break;
    case "ENV": {
      const env = [...(cfg.Env ?? [])];
      for (const [k, v] of keyValues(instr, args)) {
        const i = env.findIndex((e) => e.split("=", 1)[0] === k);
        if (i >= 0) env[i] = `${k}=${v}`;
        else env.push(`${k}=${v}`);
      }
      cfg.Env = env;
      break;
    }
    case "LABEL":
      cfg.Labels = { ...(cfg.Labels ?? {}), ...Object.fromEntries(keyValues(instr, args)) };
      break;
    case "WORKDIR":
      cfg.WorkingDir = args;
      break;
    case "USER":
      cfg.User = args;
      break;
    case "STOPSIGNAL":
      cfg.StopSignal = args;
      break;
    case "EXPOSE": {
      const ports = { ...(cfg.ExposedPorts ?? {}) };
      for (const p of splitWords(args)) {
        if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw new InvalidArgumentError(`invalid containerPort: ${p}`);
        ports[p.includes("/") ? p.toLowerCase() : `${p}/tcp`] = {};
      }
      cfg.ExposedPorts = ports;
      break;
    }
    case "VOLUME": {
      const vols = { ...(cfg.Volumes ?? {}) };
      for (const v of jsonArray(args) ?? splitWords(args)) vols[v] = {};
      cfg.Volumes = vols;
      break;
    }
  }
}

/** Applies the instructions in order to a copy of `base`. */
export function applyChanges(base: ImageRunConfig, changes: readonly string[]): ImageRunConfig {
  const cfg: ImageRunConfig = { ...base };
  for (const line of changes) applyOne(cfg, line);
  return cfg;
}
