/**
 * The word lexer Docker applies to Dockerfile arguments (the behaviour of
 * moby/buildkit frontend/dockerfile/shell/lex.go, rewritten here).
 *
 * It walks one string and:
 *  - removes quotes: single quotes keep everything literal, double quotes keep
 *    everything literal except `$…` and the escape character before `"`, `$`
 *    or the escape character itself;
 *  - honours the escape character (`\` or the `# escape=` one) outside quotes;
 *  - substitutes `$name`, `${name}` and `${name:-w}` `${name-w}` `${name:+w}`
 *    `${name+w}` `${name:?msg}` `${name?msg}`, where `w` is itself a word
 *    (quotes and nested `${…}` allowed);
 *  - optionally splits the result into words on unquoted whitespace that does
 *    not come from a substitution… except that whitespace inside a substituted
 *    value does split, as the shell does (`ProcessWords`).
 *
 * Options mirror buildkit's: `rawQuotes`/`rawEscapes` keep the quote and
 * escape characters in the output (used to find heredoc delimiters),
 * `skipUnsetEnv` leaves `$unset` as written, `skipQuotes` treats quotes as
 * ordinary characters (used for heredoc bodies), `literalVars` keeps every
 * `$…` expression as written (quote removal without substitution).
 */
import { InvalidArgumentError } from "../../errors/index.js";

/** Looks a variable up; undefined means unset (which differs from "" for `${v-w}`). */
export type EnvLookup = (name: string) => string | undefined;

export interface LexOptions {
  escape?: string;
  rawQuotes?: boolean;
  rawEscapes?: boolean;
  skipUnsetEnv?: boolean;
  skipQuotes?: boolean;
  literalVars?: boolean;
}

/** A malformed word (`${`, unmatched quote) or a `${v:?msg}` that fired. */
export class ShellExpansionError extends InvalidArgumentError {}

/**
 * `${a:-${a:-${a:-…}}}` recurses once per level; real Dockerfiles nest two or
 * three deep, hostile ones could blow the JS stack, so cap it.
 */
const MAX_NESTING = 256;
/**
 * A word may not expand beyond this: `ENV A=$A$A` forty times over would
 * otherwise grow to terabytes (and V8 throws an untyped RangeError long before).
 */
export const MAX_EXPANDED_LENGTH = 16 * 1024 * 1024;

const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
export function isSpace(ch: string): boolean {
  return SPACE.test(ch);
}
const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;
const DIGIT = /^\p{Nd}$/u;
const SPECIAL_PARAM = "@*#?-$!0";

function grow(result: string, add: string): string {
  if (result.length + add.length > MAX_EXPANDED_LENGTH) {
    throw new ShellExpansionError(`expanded word is longer than ${MAX_EXPANDED_LENGTH} characters`);
  }
  return result + add;
}

/** Collects words the way buildkit's wordsStruct does. */
class WordCollector {
  readonly words: string[] = [];
  private word = "";
  private inWord = false;

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length > 0) {
        this.words.push(this.word);
        this.word = "";
        this.inWord = false;
      }
    } else {
      this.addRaw(ch);
    }
  }
  addRaw(s: string): void {
    this.word += s;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  finish(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = "";
      this.inWord = false;
    }
    return this.words;
  }
}

/** Stands in for WordCollector when only the whole word is wanted (lexWord, `${v:-word}`). */
const NO_WORDS = {
  addChar(): void {},
  addRaw(): void {},
  addString(): void {},
  finish: (): string[] => [],
};

class ShellWord {
  private pos = 0;
  private depth = 0;
  private readonly escape: string;

  constructor(
    private readonly src: string,
    private readonly env: EnvLookup,
    private readonly opts: LexOptions,
    private readonly splitWords: boolean,
  ) {
    this.escape = opts.escape ?? "\\";
  }

  private peek(): string | undefined {
    return this.pos < this.src.length ? this.src[this.pos] : undefined;
  }
  private next(): string | undefined {
    return this.pos < this.src.length ? this.src[this.pos++] : undefined;
  }

  run(): { result: string; words: string[] } {
    const [result, words] = this.processStopOn(undefined, this.splitWords);
    return { result, words };
  }

  private processStopOn(stop: string | undefined, splitWords = false): [string, string[]] {
    let result = "";
    const words = splitWords ? new WordCollector() : NO_WORDS;
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (stop !== undefined && ch === stop) {
        this.next();
        return [result, words.finish()];
      }
      if (ch === "$") {
        const tmp = this.processDollar();
        result = grow(result, tmp);
        words.addString(tmp);
        continue;
      }
      if (!this.opts.skipQuotes && (ch === "'" || ch === '"')) {
        const tmp = ch === "'" ? this.processSingleQuote() : this.processDoubleQuote();
        result += tmp;
        words.addRaw(tmp);
        continue;
      }
      let c = this.next() as string;
      if (c === this.escape) {
        if (this.opts.rawEscapes) {
          words.addRaw(c);
          result += c;
        }
        const escaped = this.next();
        if (escaped === undefined) break; // a trailing escape is dropped
        c = escaped;
        words.addRaw(c);
      } else {
        words.addChar(c);
      }
      result += c;
    }
    if (stop !== undefined) {
      throw new ShellExpansionError(`unexpected end of statement while looking for matching ${stop}`);
    }
    return [result, words.finish()];
  }

  private processSingleQuote(): string {
    let result = "";
    const open = this.next() as string;
    if (this.opts.rawQuotes) result += open;
    const end = this.src.indexOf("'", this.pos);
    if (end < 0) throw new ShellExpansionError("unexpected end of statement while looking for matching single-quote");
    result += this.src.slice(this.pos, end);
    this.pos = end + 1;
    if (this.opts.rawQuotes) result += "'";
    return result;
  }

  private processDoubleQuote(): string {
    let result = "";
    const open = this.next() as string;
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) {
        throw new ShellExpansionError("unexpected end of statement while looking for matching double-quote");
      }
      if (ch === '"') {
        this.next();
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      if (ch === "$") {
        result = grow(result, this.processDollar());
        continue;
      }
      let c = this.next() as string;
      if (c === this.escape) {
        if (this.opts.rawEscapes) result += c;
        const after = this.peek();
        if (after === undefined) continue; // the EOF error comes next turn
        // Only these can be escaped inside double quotes; other escapes stay literal.
        if (after === '"' || after === "$" || after === this.escape) c = this.next() as string;
      }
      result += c;
    }
  }

  private processDollar(): string {
    const start = this.pos;
    this.next(); // "$"
    if (this.peek() !== "{") {
      const name = this.processName();
      if (name === "") return "$";
      if (this.opts.literalVars) return this.src.slice(start, this.pos);
      const value = this.env(name);
      if (value === undefined && this.opts.skipUnsetEnv) return "$" + name;
      return value ?? "";
    }
    if (++this.depth > MAX_NESTING) {
      throw new ShellExpansionError(`syntax error: substitutions nested deeper than ${MAX_NESTING} levels`);
    }
    try {
      return this.processBraced(start);
    } finally {
      this.depth--;
    }
  }

  private processBraced(start: number): string {
    this.next(); // "{"
    const first = this.peek();
    if (first === undefined) throw new ShellExpansionError("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw new ShellExpansionError("syntax error: bad substitution");
    const name = this.processName();
    const ch = this.next();
    if (ch === "}") {
      if (this.opts.literalVars) return this.src.slice(start, this.pos);
      const value = this.env(name);
      if (value === undefined && this.opts.skipUnsetEnv) return "${" + name + "}";
      return value ?? "";
    }
    let colon = false;
    let modifier = ch;
    if (ch === ":") {
      colon = true;
      modifier = this.next();
    }
    if (modifier === undefined) throw new ShellExpansionError("syntax error: missing '}'");
    if (modifier !== "-" && modifier !== "+" && modifier !== "?") {
      throw new ShellExpansionError(`unsupported modifier (${colon ? ":" : ""}${modifier}) in substitution`);
    }
    const word = this.processModifierWord();
    if (this.opts.literalVars) return this.src.slice(start, this.pos);
    const value = this.env(name);
    const isSet = value !== undefined;
    if (this.opts.skipUnsetEnv && !isSet) return this.src.slice(start, this.pos);
    // With ":" an empty value counts as unset.
    const present = colon ? isSet && value !== "" : isSet;
    switch (modifier) {
      case "-":
        return present ? (value as string) : word;
      case "+":
        return present ? word : "";
      default: {
        if (present) return value as string;
        const why = !isSet ? "is not allowed to be unset" : "is not allowed to be empty";
        throw new ShellExpansionError(`${name}: ${word !== "" ? word : why}`);
      }
    }
  }

  private processModifierWord(): string {
    try {
      return this.processStopOn("}")[0];
    } catch (err) {
      if (this.peek() === undefined && err instanceof ShellExpansionError && !/nested deeper/.test(err.message)) {
        throw new ShellExpansionError("syntax error: missing '}'");
      }
      throw err;
    }
  }

  /** A variable name: letters/digits/_, or a run of digits, or one special parameter. */
  private processName(): string {
    let name = "";
    for (;;) {
      const cp = this.src.codePointAt(this.pos);
      if (cp === undefined) break;
      const ch = String.fromCodePoint(cp);
      if (name === "" && DIGIT.test(ch)) {
        while (this.pos < this.src.length && /[0-9]/.test(this.src[this.pos])) name += this.src[this.pos++];
        return name;
      }
      if (name === "" && SPECIAL_PARAM.includes(ch)) {
        this.pos++;
        return ch;
      }
      if (!NAME_CHAR.test(ch)) break;
      name += ch;
      this.pos += ch.length;
    }
    return name;
  }
}

/** buildkit's ProcessWord: the whole string as one word (inner whitespace kept). */
export function lexWord(word: string, env: EnvLookup, opts: LexOptions = {}): string {
  return new ShellWord(word, env, opts, false).run().result;
}

/** buildkit's ProcessWords: split into words on unquoted whitespace after substitution. */
export function lexWords(word: string, env: EnvLookup, opts: LexOptions = {}): string[] {
  return new ShellWord(word, env, opts, true).run().words;
}

/**
 * Quote and escape removal without substitution (`"a $b"` → `a $b`): what a
 * word means before the ARG/ENV state is known. A malformed word is returned
 * as written; the error surfaces when the word is expanded for real.
 */
export function unquoteWord(word: string, escape = "\\"): string {
  try {
    return lexWord(word, () => undefined, { escape, literalVars: true });
  } catch {
    return word;
  }
}
