/**
 * Phase two of parsing: one logical line → one typed Instruction (buildkit's
 * line_parsers.go dispatch table and instructions/parse.go, rewritten).
 * Words stay as written (quotes included) except where ast.ts says otherwise;
 * errors are plain Errors with Docker's wording, positioned by the caller.
 */
import type {
  ArgInstruction,
  CommandForm,
  CopyInstruction,
  HealthcheckInstruction,
  Heredoc,
  Instruction,
  KeyValueInstruction,
  SourcePos,
} from "./ast.js";
import { type FlagSpec, type FlagValues, parseFlags, parseGoDuration } from "./flags.js";
import { joinSpacedMarkers, parseHeredocMarker } from "./heredoc.js";
import type { LogicalLine } from "./scan.js";
import { isSpace, unquoteWord } from "./shell-lexer.js";
import { NOT_STRING_ARRAY, extractBuilderFlags, parseJsonArray, parseWords, splitKeyword, splitWhitespace } from "./words.js";

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

const FLAGS: Record<string, FlagSpec> = {
  from: { platform: "string" },
  run: { mount: "strings", network: "string", security: "string" },
  copy: { chown: "string", chmod: "string", from: "string", link: "bool", parents: "bool", exclude: "strings" },
  add: { chown: "string", chmod: "string", link: "bool", "keep-git-dir": "bool", checksum: "string", exclude: "strings" },
  healthcheck: { interval: "string", timeout: "string", "start-period": "string", "start-interval": "string", retries: "string" },
};

interface Ctx {
  upper: string;
  flagWords: string[];
  /** the arguments after the flags, trimmed */
  args: string;
  escape: string;
  heredocs: Heredoc[];
  base: { pos: SourcePos; endLine: number; original: string };
}

const atLeastOne = (c: Ctx) => new Error(`${c.upper} requires at least one argument`);
const exactlyOne = (c: Ctx) => new Error(`${c.upper} requires exactly one argument`);

function flags(c: Ctx, kind: string): FlagValues {
  return parseFlags(c.flagWords, FLAGS[kind] ?? {});
}
function one(values: FlagValues, name: string): string | undefined {
  return values[name]?.[0];
}

/** parseMaybeJSON: exec form when a JSON string array, else shell form. */
function commandForm(args: string): CommandForm {
  const json = parseJsonArray(args);
  if (json.ok) return { kind: "exec", args: json.values };
  if (json.notStrings) throw new Error(NOT_STRING_ARRAY);
  return { kind: "shell", text: args };
}

/** parseMaybeJSONToList: a JSON string array or whitespace-separated words. */
function wordList(args: string): string[] {
  const json = parseJsonArray(args);
  if (json.ok) return json.values;
  if (json.notStrings) throw new Error(NOT_STRING_ARRAY);
  return splitWhitespace(args);
}

/** parseNameVal: `k=v k2="v 2"` or the legacy `k v w` (one pair, value = rest of line). */
function nameValuePairs(c: Ctx): Array<[string, string]> {
  const words = parseWords(c.args, c.escape);
  if (words.length === 0) throw atLeastOne(c);
  let pairs: Array<[string, string]>;
  if (!words[0].includes("=")) {
    const m = /[\t\v\f\r ]+/.exec(c.args);
    if (!m) throw new Error(`${c.upper} must have two arguments`);
    pairs = [[c.args.slice(0, m.index), c.args.slice(m.index + m[0].length)]];
  } else {
    pairs = words.map((w) => {
      const eq = w.indexOf("=");
      if (eq < 0) {
        throw new Error(`Syntax error - can't find = in ${JSON.stringify(w)}. Must be of the form: name=value`);
      }
      return [w.slice(0, eq), w.slice(eq + 1)];
    });
  }
  if (pairs.some(([k]) => k === "")) throw new Error(`${c.upper} names can not be blank`);
  return pairs;
}

function keyValue(c: Ctx, kind: "env" | "label"): KeyValueInstruction {
  const rawPairs = nameValuePairs(c);
  flags(c, kind);
  const pairs = rawPairs.map(([k, v]): [string, string] => [unquoteWord(k, c.escape), unquoteWord(v, c.escape)]);
  return { kind, ...c.base, pairs, rawPairs };
}

function arg(c: Ctx): ArgInstruction {
  const words = parseWords(c.args, c.escape);
  if (words.length === 0) throw atLeastOne(c);
  flags(c, "arg");
  const args = words.map((w) => {
    const eq = w.indexOf("=");
    return eq < 0 ? { name: w } : { name: w.slice(0, eq), default: w.slice(eq + 1) };
  });
  return { kind: "arg", ...c.base, args };
}

function copy(c: Ctx, kind: "copy" | "add"): CopyInstruction {
  const json = parseJsonArray(c.args);
  // `COPY << EOF /dst`: the spaced marker is one source (shell form only, like the heredoc itself)
  const words = json.ok ? json.values : joinSpacedMarkers(wordList(c.args));
  if (words.length < 2) {
    throw new Error(`${c.upper} requires at least two arguments, but only one was provided. Destination could not be determined.`);
  }
  const f = flags(c, kind);
  const dest = words[words.length - 1];
  if (parseHeredocMarker(dest)) throw new Error(`${c.upper} cannot accept a heredoc as a destination`);
  const byName = new Map(c.heredocs.map((h) => [h.name, h]));
  const sources: string[] = [];
  const heredocs: Heredoc[] = [];
  for (const src of words.slice(0, -1)) {
    const marker = parseHeredocMarker(src);
    if (!marker) sources.push(src);
    else heredocs.push(byName.get(marker.name) ?? { name: marker.name, content: "", expand: marker.expand });
  }
  const { chown, chmod, from, ...rest } = f;
  const out: CopyInstruction = { kind, ...c.base, sources, heredocs, dest, flags: rest };
  if (chown) out.chown = chown[0];
  if (chmod) out.chmod = chmod[0];
  if (from) out.from = from[0];
  return out;
}

/** parseOptInterval: a Go duration of at least 1ms, in nanoseconds. */
function interval(values: FlagValues, name: string): number | undefined {
  const v = one(values, name);
  if (v === undefined || v === "") return undefined;
  const ns = parseGoDuration(v);
  if (ns < 1_000_000) throw new Error(`Interval "${name}" cannot be less than 1ms`);
  return ns;
}

function healthcheck(c: Ctx): HealthcheckInstruction {
  if (c.args === "") throw atLeastOne(c);
  let sep = 0;
  while (sep < c.args.length && !isSpace(c.args[sep])) sep++;
  const type = c.args.slice(0, sep).toUpperCase();
  const rest = c.args.slice(sep).trim();
  const cmd = rest === "" ? undefined : commandForm(rest);
  if (type === "NONE") {
    // Docker parses no flags for NONE, so it neither applies nor rejects them.
    if (rest !== "") throw new Error("HEALTHCHECK NONE takes no arguments");
    return { kind: "healthcheck", ...c.base, none: true };
  }
  const f = flags(c, "healthcheck");
  if (type !== "CMD") throw new Error(`Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`);
  const test = cmd === undefined ? [] : cmd.kind === "exec" ? ["CMD", ...cmd.args] : ["CMD-SHELL", cmd.text];
  if (test.length < 2) throw new Error("Missing command after HEALTHCHECK CMD");
  const out: HealthcheckInstruction = { kind: "healthcheck", ...c.base, none: false, test };
  const iv = interval(f, "interval");
  if (iv !== undefined) out.interval = iv;
  const to = interval(f, "timeout");
  if (to !== undefined) out.timeout = to;
  const sp = interval(f, "start-period");
  if (sp !== undefined) out.startPeriod = sp;
  const si = interval(f, "start-interval");
  if (si !== undefined) out.startInterval = si;
  const retries = one(f, "retries");
  if (retries !== undefined && retries !== "") {
    if (!/^[+-]?\d+$/.test(retries)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: invalid syntax`);
    const n = Number(retries);
    if (n > 2 ** 31 - 1 || n < -(2 ** 31)) {
      throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: value out of range`);
    }
    if (n < 1) throw new Error(`--retries must be at least 1 (not ${n})`);
    out.retries = n;
  }
  return out;
}

function onbuild(c: Ctx, originalLine: string): Instruction {
  if (c.args === "") throw atLeastOne(c);
  flags(c, "onbuild");
  const trigger = splitKeyword(c.args)[0].toUpperCase();
  if (trigger === "ONBUILD") throw new Error("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger === "MAINTAINER" || trigger === "FROM") throw new Error(`${trigger} isn't allowed as an ONBUILD trigger`);
  let expression = originalLine.replace(/^\s*ONBUILD\s*/i, "");
  for (const h of c.heredocs) expression += "\n" + h.content + h.name;
  return { kind: "onbuild", ...c.base, trigger: expression };
}

/** One logical line → its Instruction; throws a plain Error with Docker's message. */
export function buildInstruction(line: LogicalLine, escape: string): Instruction {
  const [keyword, afterKeyword] = splitKeyword(line.text);
  const { flags: flagWords, rest } = extractBuilderFlags(afterKeyword);
  const kind = keyword.toLowerCase();
  const c: Ctx = {
    upper: kind.toUpperCase(),
    flagWords,
    args: rest.trim(),
    escape,
    heredocs: line.heredocs,
    base: { pos: { line: line.startLine, column: line.column }, endLine: line.endLine, original: line.text },
  };
  switch (kind) {
    case "from": {
      const words = splitWhitespace(c.args);
      let stageName: string | undefined;
      if (words.length === 3 && words[1].toLowerCase() === "as") {
        stageName = words[2].toLowerCase();
        if (!STAGE_NAME.test(stageName)) {
          throw new Error(`invalid name for build stage: ${JSON.stringify(words[2])}, name can't start with a number or contain symbols`);
        }
      } else if (words.length !== 1) {
        throw new Error("FROM requires either one or three arguments");
      }
      const platform = one(flags(c, kind), "platform");
      return { kind, ...c.base, image: words[0], ...(stageName ? { stageName } : {}), ...(platform !== undefined ? { platform } : {}) };
    }
    // The JSON check belongs to Docker's line parser, so it fails before any flag does.
    case "run": {
      const cmd = commandForm(c.args);
      return { kind, ...c.base, cmd, heredocs: c.heredocs, flags: flags(c, kind) };
    }
    case "cmd":
    case "entrypoint": {
      const cmd = commandForm(c.args);
      flags(c, kind);
      return { kind, ...c.base, cmd };
    }
    case "shell": {
      const json = parseJsonArray(c.args);
      if (!json.ok && json.notStrings) throw new Error(NOT_STRING_ARRAY);
      flags(c, kind);
      if (json.ok) {
        if (json.values.length === 0) throw atLeastOne(c);
        return { kind, ...c.base, args: json.values };
      }
      if (c.args === "") throw atLeastOne(c);
      throw new Error("SHELL requires the arguments to be in JSON form");
    }
    case "env":
    case "label":
      return keyValue(c, kind);
    case "arg":
      return arg(c);
    case "copy":
    case "add":
      return copy(c, kind);
    case "workdir":
    case "user":
    case "stopsignal":
    case "maintainer":
      if (c.args === "") throw exactlyOne(c);
      flags(c, kind);
      return { kind, ...c.base, value: c.args };
    case "expose": {
      const values = splitWhitespace(c.args);
      if (values.length === 0) throw atLeastOne(c);
      flags(c, kind);
      return { kind, ...c.base, values: values.sort() };
    }
    case "volume": {
      const values = wordList(c.args).map((v) => v.trim());
      if (values.length === 0) throw atLeastOne(c);
      flags(c, kind);
      if (values.some((v) => v === "")) throw new Error("VOLUME specified can not be an empty string");
      return { kind, ...c.base, values };
    }
    case "healthcheck":
      return healthcheck(c);
    case "onbuild":
      return onbuild(c, line.text);
    default:
      throw new Error(`unknown instruction: ${keyword.toUpperCase()}`);
  }
}
