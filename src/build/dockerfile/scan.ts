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
/**
 * More instructions than this are refused: 10 MiB of "RUN x" lines is 1.7M
 * instructions and ~700 MB of parsed objects in the daemon. Real Dockerfiles
 * have hundreds at most.
 */
export const MAX_INSTRUCTIONS = 100_000;

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

/**
 * Physical lines, read one at a time (an array of every line of a 10 MiB file
 * costs far more in GC than the parse). Like Go's bufio.ScanLines: "\n"
 * separates, a trailing "\r" is dropped, no empty line after a final "\n".
 */
class LineCursor {
  private pos = 0;
  /** 1-based number of the line last returned */
  lineNo = 0;

  constructor(private readonly text: string) {
    if (text.startsWith("\ufeff")) this.pos = 1;
  }

  /** offset of the next line in the text */
  get offset(): number {
    return this.pos;
  }

  /** the text between two offsets, line ends normalised as the line reader returns them */
  between(start: number, end: number): string {
    return this.text.slice(start, end).replace(/\r\n/g, "\n");
  }

  hasNext(): boolean {
    return this.pos < this.text.length;
  }

  next(): string {
    let end = this.text.indexOf("\n", this.pos);
    if (end < 0) end = this.text.length;
    const start = this.pos;
    this.pos = end + 1;
    this.lineNo++;
    if (end - start > MAX_LINE_LENGTH) {
      throw new DockerfileParseError(`line longer than ${MAX_LINE_LENGTH} characters`, this.lineNo, MAX_LINE_LENGTH + 1);
    }
    if (end > start && this.text[end - 1] === "\r") end--;
    return this.text.slice(start, end);
  }
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
  const cursor = new LineCursor(text);
  const directives: Record<string, string> = {};
  const warnings: string[] = [];
  const lines: LogicalLine[] = [];
  let escape = "\\";
  let lookingForDirectives = true;
  let sawEmptyContinuation = false;

  while (cursor.hasNext()) {
    const raw = cursor.next();
    const startLine = cursor.lineNo;
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
    while (!ended && cursor.hasNext()) {
      const cont = cursor.next();
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
        // The body is taken as one slice of the text rather than joined line by line.
        const bodyStart = cursor.offset;
        let bodyEnd = -1;
        while (cursor.hasNext()) {
          const lineStart = cursor.offset;
          const body = cursor.next();
          const candidate = marker.chomp ? body.replace(/^\t+/, "") : body;
          if (candidate === marker.name) {
            bodyEnd = lineStart;
            break;
          }
        }
        if (bodyEnd < 0) throw new DockerfileParseError("unterminated heredoc", startLine, column);
        let content = cursor.between(bodyStart, bodyEnd);
        if (content !== "" && !content.endsWith("\n")) content += "\n";
        heredocs.push({ name: marker.name, content: marker.chomp ? chompHeredoc(content) : content, expand: marker.expand });
      }
    }
    const text = joined.trim();
    if (emptyContinuation) {
      sawEmptyContinuation = true;
      warnings.push(`Empty continuation line found in:\n    ${text}`);
    }
    if (lines.length >= MAX_INSTRUCTIONS) {
      throw new DockerfileParseError(`too many instructions (more than ${MAX_INSTRUCTIONS})`, startLine, column);
    }
    lines.push({ text, startLine, column, endLine: cursor.lineNo, heredocs });
  }
  // Docker closes its warnings with this once (classic builder, printed as "[WARNING]: …").
  if (sawEmptyContinuation) warnings.push("Empty continuation lines will become errors in a future release.");
  return { directives, escape, lines, warnings };
}
