/**
 * Phase one of parsing: physical lines → logical instruction lines (buildkit
 * parser.go's Parse loop). Handles, in Docker's order:
 *  - parser directives (`# escape=`, `# syntax=`, `# check=`), only before the
 *    first comment, blank line or instruction; an unknown directive ends them;
 *  - comments (a line whose first non-blank character is `#`) and blank lines;
 *  - line continuation with the escape character; inside a continuation,
 *    comment lines are dropped and empty lines skipped (with a warning);
 *  - here-document bodies after a RUN/COPY/ADD (or ONBUILD of those) line
 *    that names `<<DELIM` markers and is not in JSON form;
 *  - the size limits that keep hostile input from costing memory or time.
 */
import type { Heredoc } from "./ast.js";
import { chompHeredoc, heredocMarkersInLine } from "./heredoc.js";
import { DockerfileParseError } from "./parse-error.js";
import { isSpace } from "./shell-lexer.js";
import { extractBuilderFlags, parseJsonArray, splitKeyword } from "./words.js";

/** Bigger Dockerfiles are refused outright. */
export const MAX_DOCKERFILE_BYTES = 10 * 1024 * 1024;
/** One physical line longer than this is refused (Go's default scanner stops at 64 KiB). */
export const MAX_LINE_LENGTH = 1024 * 1024;

export interface LogicalLine {
  /** the instruction text: first line left-trimmed, continuations joined */
  text: string;
  startLine: number;
  column: number;
  endLine: number;
  heredocs: Heredoc[];
}

export interface ScanResult {
  directives: Record<string, string>;
  escape: string;
  lines: LogicalLine[];
  warnings: string[];
}

const DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
const KNOWN_DIRECTIVES = new Set(["syntax", "escape", "check"]);
const HEREDOC_INSTRUCTIONS = new Set(["run", "copy", "add"]);

function trimLeft(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  return i === 0 ? s : s.slice(i);
}

/** Removes a trailing escape character (plus blanks after it): [text, isEndOfLine]. */
function trimContinuation(s: string, escape: string): [string, boolean] {
  let end = s.length;
  while (end > 0 && (s[end - 1] === " " || s[end - 1] === "\t")) end--;
  if (end > 0 && s[end - 1] === escape) return [s.slice(0, end - 1), false];
  return [s, true];
}

function splitPhysicalLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].endsWith("\r")) lines[i] = lines[i].slice(0, -1);
  }
  if (lines.length > 0 && lines[0].startsWith("\ufeff")) lines[0] = lines[0].slice(1);
  return lines;
}

function checkLimits(text: string): void {
  if (text.length > MAX_DOCKERFILE_BYTES || Buffer.byteLength(text) > MAX_DOCKERFILE_BYTES) {
    throw new DockerfileParseError(`the Dockerfile is larger than ${MAX_DOCKERFILE_BYTES} bytes`, 1, 1, { bare: true });
  }
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split("\n").length;
    const column = nul - before.lastIndexOf("\n");
    throw new DockerfileParseError("NUL byte in Dockerfile", line, column);
  }
}

/** Whether the line may be followed by heredoc bodies (RUN/COPY/ADD, not JSON form). */
function mayHaveHeredocs(text: string): boolean {
  if (!text.includes("<<")) return false;
  let [keyword, rest] = splitKeyword(text);
  if (keyword.toLowerCase() === "onbuild") [keyword, rest] = splitKeyword(extractBuilderFlags(rest).rest);
  if (!HEREDOC_INSTRUCTIONS.has(keyword.toLowerCase())) return false;
  return !parseJsonArray(extractBuilderFlags(rest).rest.trim()).ok;
}

export function scanDockerfile(text: string): ScanResult {
  checkLimits(text);
  const physical = splitPhysicalLines(text);
  const directives: Record<string, string> = {};
  const warnings: string[] = [];
  const lines: LogicalLine[] = [];
  let escape = "\\";
  let lookingForDirectives = true;

  let i = 0;
  const nextLine = (): string => {
    const raw = physical[i++];
    if (raw.length > MAX_LINE_LENGTH) {
      throw new DockerfileParseError(`line longer than ${MAX_LINE_LENGTH} characters`, i, MAX_LINE_LENGTH + 1);
    }
    return raw;
  };

  while (i < physical.length) {
    const raw = nextLine();
    const startLine = i;
    const first = trimLeft(raw);
    if (lookingForDirectives) {
      const m = DIRECTIVE.exec(first);
      const key = m?.[1].toLowerCase();
      if (!m || key === undefined || !KNOWN_DIRECTIVES.has(key)) {
        lookingForDirectives = false;
      } else {
        if (Object.hasOwn(directives, key)) {
          throw new DockerfileParseError(`only one ${key} parser directive can be used`, startLine, 1);
        }
        const value = m[2];
        if (key === "escape") {
          if (value !== "`" && value !== "\\") {
            throw new DockerfileParseError(`invalid escape token '${value}' does not match \` or \\`, startLine, 1);
          }
          escape = value;
        }
        directives[key] = value;
        if (key === "syntax") warnings.push("syntax directive ignored");
        continue;
      }
    }
    if (first.startsWith("#")) continue;
    let [joined, ended] = trimContinuation(first, escape);
    if (ended && joined === "") continue;

    let emptyContinuation = false;
    while (!ended && i < physical.length) {
      const cont = nextLine();
      const contTrimmed = trimLeft(cont);
      if (contTrimmed.startsWith("#")) continue;
      if (contTrimmed === "") {
        emptyContinuation = true;
        continue;
      }
      const [part, isEnd] = trimContinuation(cont, escape);
      joined += part;
      ended = isEnd;
    }
    const column = raw.length - first.length + 1;
    const heredocs: Heredoc[] = [];
    if (mayHaveHeredocs(joined)) {
      for (const marker of heredocMarkersInLine(joined)) {
        let content = "";
        let terminated = false;
        while (i < physical.length) {
          const body = nextLine();
          const candidate = marker.chomp ? body.replace(/^\t+/, "") : body;
          if (candidate === marker.name) {
            terminated = true;
            break;
          }
          content += body + "\n";
        }
        if (!terminated) throw new DockerfileParseError("unterminated heredoc", startLine, column);
        heredocs.push({ name: marker.name, content: marker.chomp ? chompHeredoc(content) : content, expand: marker.expand });
      }
    }
    const text = joined.trim();
    if (emptyContinuation) warnings.push(`Empty continuation line found in: ${text}`);
    lines.push({ text, startLine, column, endLine: i, heredocs });
  }
  return { directives, escape, lines, warnings };
}
