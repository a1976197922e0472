/**
 * The parser-level word splitting Docker does on an instruction's text before
 * any variable substitution (moby/buildkit frontend/dockerfile/parser:
 * line_parsers.go and parser.go). These keep quotes and escapes as written;
 * removing them is the shell lexer's job at dispatch time.
 */
import { isSpace } from "./shell-lexer.js";

/** The whitespace Go's reWhitespace (`[\t\v\f\r ]+`) splits instruction text on. */
const WHITESPACE_RUN = /[\t\v\f\r ]+/;

/** `FROM a  AS b` → ["a", "AS", "b"]; "" → []. */
export function splitWhitespace(rest: string): string[] {
  if (rest === "") return [];
  return rest.split(WHITESPACE_RUN);
}

/** Splits `KEYWORD rest` on the first whitespace run, both parts trimmed. */
export function splitKeyword(line: string): [keyword: string, rest: string] {
  const trimmed = line.trim();
  const m = WHITESPACE_RUN.exec(trimmed);
  if (!m) return [trimmed, ""];
  return [trimmed.slice(0, m.index), trimmed.slice(m.index + m[0].length)];
}

/**
 * buildkit's parseWords: whitespace-separated words where quotes group, kept
 * with their quotes and escapes (`a="b c" d` → [`a="b c"`, `d`]).
 */
export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let blankOk = false;
  let quote = "";
  const chars = Array.from(rest);
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i];
    if (!inWord) {
      if (isSpace(ch)) continue;
      inWord = true;
    }
    if (quote === "") {
      if (isSpace(ch)) {
        if (blankOk || word.length > 0) words.push(word);
        word = "";
        blankOk = false;
        inWord = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
      }
      if (ch === escape) {
        if (i + 1 === chars.length) continue; // an escape at the very end is dropped
        // Outside quotes the escape and the next character (even a quote) stay together.
        word += ch;
        ch = chars[++i];
      }
      word += ch;
      continue;
    }
    if (ch === quote) quote = "";
    else if (ch === escape && quote !== "'") {
      if (i + 1 === chars.length) {
        quote = "";
        continue;
      }
      word += ch;
      ch = chars[++i];
    }
    word += ch;
  }
  if (inWord && (blankOk || word.length > 0)) words.push(word);
  return words;
}

/**
 * buildkit's extractBuilderFlags: leading `--name[=value]` words (quotes
 * removed, `\` escapes the next character) and the text after them. A bare
 * `--` ends the flags.
 */
export function extractBuilderFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let pos = 0;
  const n = line.length;
  for (;;) {
    while (pos < n && isSpace(line[pos])) pos++;
    if (pos >= n) return { flags, rest: "" };
    if (!(line[pos] === "-" && line[pos + 1] === "-")) return { flags, rest: line.slice(pos) };
    let word = "";
    let blankOk = false;
    let quote = "";
    for (; pos < n; pos++) {
      let ch = line[pos];
      if (quote === "") {
        if (isSpace(ch)) break;
        if (ch === "'" || ch === '"') {
          quote = ch;
          blankOk = true;
          continue;
        }
      } else if (ch === quote) {
        quote = "";
        continue;
      }
      if (ch === "\\") {
        if (pos + 1 === n) {
          quote = "";
          continue;
        }
        ch = line[++pos];
      }
      word += ch;
    }
    if (word === "--") return { flags, rest: pos >= n ? "" : line.slice(pos) };
    if (blankOk || word.length > 0) flags.push(word);
    if (pos >= n) return { flags, rest: "" };
  }
}

export type JsonArray = { ok: true; values: string[] } | { ok: false; notStrings: boolean };

/**
 * buildkit's parseJSON: `rest` is exec form when it is a JSON array of strings.
 * Invalid JSON is not an error (the caller falls back to shell form), but a
 * valid array holding anything other than strings is.
 */
export function parseJsonArray(rest: string): JsonArray {
  const text = rest.replace(/^\s+/, "");
  if (!text.startsWith("[")) return { ok: false, notStrings: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, notStrings: false }; // includes a RangeError from absurd nesting
  }
  if (!Array.isArray(parsed)) return { ok: false, notStrings: false };
  if (!parsed.every((v): v is string => typeof v === "string")) return { ok: false, notStrings: true };
  return { ok: true, values: parsed };
}

export const NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only";
