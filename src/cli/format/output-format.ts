/**
 * `--format` handling shared by ps, images, history: "table …" vs a plain
 * template vs the default table, `\t` and `\n` escapes as the docker CLI's
 * formatter replaces them (users type them inside single quotes), and the
 * header row rendered by running the same template over a map of column titles.
 */
import { compileTemplate } from "./go-template.js";
import { alignColumns } from "./tabwriter.js";

export interface FormatSpec {
  /** The user's --format value, or undefined for the default table. */
  format: string | undefined;
  /** The default, e.g. "table {{.ID}}\t{{.Image}}". */
  defaultFormat: string;
  /** Field name → column title ("ID" → "CONTAINER ID"). */
  headers: Record<string, string>;
}

export function renderRows(spec: FormatSpec, rows: unknown[]): string {
  let format = spec.format ?? spec.defaultFormat;
  if (format === "json") format = "{{json .}}";
  const isTable = format.startsWith("table");
  if (isTable) format = format.slice("table".length);
  format = format.trim().replaceAll("\\t", "\t").replaceAll("\\n", "\n");
  const template = compileTemplate(format);
  const lines = rows.map((row) => template.render(row));
  if (!isTable) return lines.map((line) => line + "\n").join("");
  // Unknown fields get an empty title rather than Go's "<no value>".
  const headers = new Proxy(spec.headers, { get: (target, key) => (typeof key === "string" ? target[key] ?? "" : undefined) });
  const header = template.render(headers);
  return alignColumns([header, ...lines]);
}
