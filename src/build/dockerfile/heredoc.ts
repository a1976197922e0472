/**
 * Finding here-document markers in a RUN/COPY/ADD line (buildkit parser's
 * heredocsFromLine/ParseHeredoc). A marker is a word `[n]<<[-]DELIM`; `-`
 * strips leading tabs from the body and the terminator line; any quoting in
 * DELIM (`<<"EOF"`, `<<'EOF'`, `<<E"O"F`) turns variable expansion of the body off.
 */
import { lexWords } from "./shell-lexer.js";

export interface HeredocMarker {
  name: string;
  expand: boolean;
  /** `<<-`: strip leading tabs */
  chomp: boolean;
}

// Blanks after "<<" are allowed since BuildKit v0.22 (moby/buildkit#5817): `cat << EOF`.
const MARKER = /^(\d*)<<(-?)\s*([^<]*)$/;
const BARE_MARKER = /^\d*<<-?$/;
const unsetEnv = () => undefined;

/** The marker a single word holds, or undefined. */
export function parseHeredocMarker(word: string): HeredocMarker | undefined {
  const m = MARKER.exec(word);
  if (!m || m[3] === "") return undefined;
  const rest = m[3];
  // Lex the delimiter with and without quote removal: if the counts of quote
  // characters differ, part of it was quoted, so the body must not expand.
  const words = lexWords(rest, unsetEnv, { skipUnsetEnv: true });
  if (words.length !== 1) return undefined;
  const raw = lexWords(rest, unsetEnv, { skipUnsetEnv: true, rawQuotes: true });
  const quotes = (s: string) => (s.match(/["']/g) ?? []).length;
  return { name: words[0], expand: raw.length === 1 && quotes(words[0]) === quotes(raw[0]), chomp: m[2] === "-" };
}

/** Every heredoc marker in an instruction line, in order. */
export function heredocMarkersInLine(line: string): HeredocMarker[] {
  let words: string[];
  try {
    words = joinSpacedMarkers(lexWords(line, unsetEnv, { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }));
  } catch {
    return []; // buildkit ignores a lexing error here: the line simply has no heredoc
  }
  const out: HeredocMarker[] = [];
  for (const w of words) {
    let marker: HeredocMarker | undefined;
    try {
      marker = parseHeredocMarker(w);
    } catch {
      marker = undefined;
    }
    if (marker) out.push(marker);
  }
  return out;
}

/**
 * `<< EOF` lexes as two words; BuildKit's lexer keeps them as one. Joins a
 * bare `<<`/`<<-` word with the word after it (also used on COPY sources).
 */
export function joinSpacedMarkers(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (BARE_MARKER.test(words[i]) && i + 1 < words.length) out.push(words[i] + words[++i]);
    else out.push(words[i]);
  }
  return out;
}

/** `<<-` bodies lose the tabs that start each line. */
export function chompHeredoc(content: string): string {
  return content.replace(/^\t+/gm, "");
}
