/**
 * The subset of Go's text/template that `--format` users write in practice:
 *   {{.ID}}  {{.State.Status}}  {{.}}  {{json .}}  {{json .Config.Env}}
 *   {{join .Args " "}}  {{upper .Name}}  {{lower …}}  {{len .Mounts}}
 *   {{index .Config.Labels "k"}}  {{.Name | upper}}
 *   {{range .Mounts}}{{.Source}} {{end}}  {{if .State.Running}}…{{else}}…{{end}}
 *   {{- trims whitespace -}}
 * Values print the way Go prints them (slices as "[a b]", maps as
 * "map[k:v]", missing map keys as "<no value>") because scripts parse that.
 */

type Node =
  | { kind: "text"; text: string }
  | { kind: "action"; pipeline: string }
  | { kind: "range"; pipeline: string; body: Node[]; elseBody: Node[] }
  | { kind: "if"; pipeline: string; body: Node[]; elseBody: Node[] };

export class TemplateError extends Error {}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  json: (v) => JSON.stringify(v ?? null),
  join: (list, sep) => (Array.isArray(list) ? list.map(toText).join(String(sep)) : toText(list)),
  upper: (v) => toText(v).toUpperCase(),
  lower: (v) => toText(v).toLowerCase(),
  title: (v) => toText(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  len: (v) => (Array.isArray(v) || typeof v === "string" ? v.length : v && typeof v === "object" ? Object.keys(v).length : 0),
  index: (v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[String(key)] : undefined),
  split: (v, sep) => toText(v).split(String(sep)),
  println: (...args) => args.map(toText).join(" ") + "\n",
  print: (...args) => args.map(toText).join(""),
  truncate: (v, n) => toText(v).slice(0, Number(n)),
};

/** Go's default formatting of a value inside {{ }}. */
export function toText(value: unknown): string {
  if (value === undefined) return "<no value>";
  if (value === null) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(toText).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${toText(v)}`).join(" ")}]`;
  }
  return String(value);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Splits a template into text and actions, applying `{{-` / `-}}` trimming. */
function tokenize(template: string): Array<{ text?: string; action?: string }> {
  const tokens: Array<{ text?: string; action?: string }> = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf("{{");
    if (open < 0) {
      tokens.push({ text: rest });
      break;
    }
    let text = rest.slice(0, open);
    const close = rest.indexOf("}}", open);
    if (close < 0) throw new TemplateError(`template: unclosed action in ${JSON.stringify(template)}`);
    let action = rest.slice(open + 2, close);
    if (action.startsWith("-")) {
      text = text.trimEnd();
      action = action.slice(1);
    }
    rest = rest.slice(close + 2);
    if (action.endsWith("-")) {
      action = action.slice(0, -1);
      rest = rest.trimStart();
    }
    if (text) tokens.push({ text });
    tokens.push({ action: action.trim() });
  }
  return tokens;
}

function parse(template: string): Node[] {
  const tokens = tokenize(template);
  let pos = 0;
  function parseList(stopAt: string[]): { nodes: Node[]; stop: string } {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const token = tokens[pos++]!;
      if (token.text !== undefined) {
        nodes.push({ kind: "text", text: token.text });
        continue;
      }
      const action = token.action!;
      const word = action.split(/\s+/)[0]!;
      if (stopAt.includes(word)) return { nodes, stop: word };
      if (word === "range" || word === "if") {
        const pipeline = action.slice(word.length).trim();
        const first = parseList(["else", "end"]);
        const second = first.stop === "else" ? parseList(["end"]).nodes : [];
        nodes.push({ kind: word, pipeline, body: first.nodes, elseBody: second });
      } else if (word === "end" || word === "else") {
        throw new TemplateError(`template: unexpected {{${word}}}`);
      } else if (action.startsWith("/*")) {
        // comment
      } else {
        nodes.push({ kind: "action", pipeline: action });
      }
    }
    if (stopAt.length > 0) throw new TemplateError("template: missing {{end}}");
    return { nodes, stop: "" };
  }
  return parseList([]).nodes;
}

/** Splits "join .Args \" \"" into words, keeping quoted strings whole. */
function splitWords(command: string): string[] {
  return command.match(/"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g) ?? [];
}

function evalOperand(word: string, dot: unknown): unknown {
  if (word.startsWith('"')) return JSON.parse(word);
  if (word.startsWith("`")) return word.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
  if (word === "true" || word === "false") return word === "true";
  if (word === ".") return dot;
  if (word.startsWith(".")) {
    let value: unknown = dot;
    for (const field of word.slice(1).split(".")) {
      if (value === null || value === undefined || typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[field];
    }
    return value;
  }
  throw new TemplateError(`template: function "${word}" not defined`);
}

function evalPipeline(pipeline: string, dot: unknown): unknown {
  let value: unknown;
  let hasValue = false;
  for (const command of pipeline.split(/\|(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const words = splitWords(command.trim());
    if (words.length === 0) throw new TemplateError(`template: empty command in ${JSON.stringify(pipeline)}`);
    const fn = FUNCTIONS[words[0]!];
    if (fn) {
      const args = words.slice(1).map((w) => evalOperand(w, dot));
      if (hasValue) args.push(value);
      value = fn(...args);
    } else {
      if (words.length > 1 || hasValue) throw new TemplateError(`template: can't give argument to non-function ${words[0]}`);
      value = evalOperand(words[0]!, dot);
    }
    hasValue = true;
  }
  return value;
}

function execute(nodes: Node[], dot: unknown): string {
  let out = "";
  for (const node of nodes) {
    if (node.kind === "text") out += node.text;
    else if (node.kind === "action") out += toText(evalPipeline(node.pipeline, dot));
    else if (node.kind === "if") out += execute(truthy(evalPipeline(node.pipeline, dot)) ? node.body : node.elseBody, dot);
    else {
      const list = evalPipeline(node.pipeline, dot);
      const items = Array.isArray(list) ? list : list && typeof list === "object" ? Object.values(list) : [];
      out += items.length > 0 ? items.map((item) => execute(node.body, item)).join("") : execute(node.elseBody, dot);
    }
  }
  return out;
}

export interface CompiledTemplate {
  render(data: unknown): string;
}

export function compileTemplate(template: string): CompiledTemplate {
  const nodes = parse(template);
  return { render: (data) => execute(nodes, data) };
}
