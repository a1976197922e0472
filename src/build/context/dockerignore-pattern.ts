/**
 * One .dockerignore pattern, matched as Docker's moby/patternmatcher does.
 *
 * patternmatcher turns a pattern into a Go (RE2) regular expression: `*` is
 * `[^/]*`, `?` is `[^/]`, `**` followed by `/` (or not at the end) is
 * `(.*\/)?`, a trailing `**` is `.*`, `[...]` is a character class, `\x` is a
 * literal x. It also has three shortcuts that are not equivalent to the
 * regexp and are kept here for that reason: a pattern without wildcards is
 * compared exactly, `prefix**` is a string-prefix test (`foo**` matches
 * `foobar`) and `**suffix` with no other wildcard a string-suffix test
 * (`**foo` matches `barfoo`).
 *
 * RE2 runs in linear time; a JS backtracking RegExp would not (`**` `*`
 * chains can take exponential time on a hostile .dockerignore), so the
 * regexp case runs as a small NFA simulation: O(path length × pattern length).
 */
import { InvalidArgumentError } from "../../errors/index.js";

type Token =
  | { t: "lit"; c: string }
  | { t: "any" } // ?  = [^/]
  | { t: "star" } // * = [^/]*
  | { t: "class"; negated: boolean; ranges: Array<[string, string]> }
  | { t: "dirs" } // double star before a slash, or inner = (.*\/)?
  | { t: "rest" }; // trailing ** = .*

type MatchType = "exact" | "prefix" | "suffix" | "regexp";

/** Go's filepath.Match syntax check: unterminated classes, empty classes, a trailing `\`. */
function checkGlobSyntax(p: string): void {
  const bad = () => new InvalidArgumentError(`invalid .dockerignore pattern ${JSON.stringify(p)}: syntax error in pattern`);
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") {
      if (++i >= p.length) throw bad();
    } else if (c === "[") {
      i++;
      if (p[i] === "^") i++;
      let first = true;
      const esc = () => {
        if (i >= p.length || p[i] === "-" || p[i] === "]") throw bad();
        if (p[i] === "\\" && ++i >= p.length) throw bad();
        i++;
      };
      for (;;) {
        if (i >= p.length) throw bad();
        if (p[i] === "]" && !first) break;
        esc();
        if (p[i] === "-") {
          i++;
          esc();
        }
        first = false;
      }
    }
  }
}

/** Reads `[...]` starting at p[start] === "[": the token and the index after `]`. */
function readClass(p: string, start: number): [Token, number] {
  let i = start + 1;
  let negated = false;
  if (p[i] === "^") {
    negated = true;
    i++;
  }
  const ranges: Array<[string, string]> = [];
  const one = (): string => {
    if (p[i] === "\\") i++;
    const ch = String.fromCodePoint(p.codePointAt(i) as number);
    i += ch.length;
    return ch;
  };
  while (i < p.length && !(p[i] === "]" && ranges.length > 0)) {
    const lo = one();
    let hi = lo;
    if (p[i] === "-" && p[i + 1] !== "]") {
      i++;
      hi = one();
    }
    ranges.push([lo, hi]);
  }
  if (ranges.some(([lo, hi]) => (lo.codePointAt(0) as number) > (hi.codePointAt(0) as number))) {
    throw new InvalidArgumentError(`invalid .dockerignore pattern ${JSON.stringify(p)}: syntax error in pattern`);
  }
  return [{ t: "class", negated, ranges }, i + 1];
}

export class IgnorePattern {
  readonly matchType: MatchType;
  private readonly tokens: Token[] = [];
  /** literal text every match starts / ends with (`**\/*.log` ends with ".log"): a cheap first test */
  private readonly literalPrefix: string;
  private readonly literalSuffix: string;

  /** `pattern` is already cleaned and without its `!`. */
  constructor(readonly pattern: string) {
    checkGlobSyntax(pattern);
    let type: MatchType = "exact";
    const p = pattern;
    for (let i = 0, n = 0; i < p.length; n++) {
      const c = p[i];
      if (c === "*" && p[i + 1] === "*") {
        i += 2;
        if (p[i] === "/") i++;
        if (i >= p.length) {
          if (type === "exact") type = "prefix";
          else {
            this.tokens.push({ t: "rest" });
            type = "regexp";
          }
        } else {
          this.tokens.push({ t: "dirs" });
          type = "regexp";
        }
        if (n === 0) type = "suffix";
      } else if (c === "*") {
        this.tokens.push({ t: "star" });
        type = "regexp";
        i++;
      } else if (c === "?") {
        this.tokens.push({ t: "any" });
        type = "regexp";
        i++;
      } else if (c === "\\") {
        this.tokens.push({ t: "lit", c: p[i + 1] });
        type = "regexp";
        i += 2;
      } else if (c === "[") {
        const [tok, next] = readClass(p, i);
        this.tokens.push(tok);
        type = "regexp";
        i = next;
      } else {
        const ch = String.fromCodePoint(p.codePointAt(i) as number);
        this.tokens.push({ t: "lit", c: ch });
        i += ch.length;
      }
    }
    this.matchType = type;
    let prefix = "";
    for (const tok of this.tokens) {
      if (tok.t !== "lit") break;
      prefix += tok.c;
    }
    let suffix = "";
    for (let i = this.tokens.length - 1; i >= 0; i--) {
      const tok = this.tokens[i];
      if (tok.t !== "lit") break;
      suffix = tok.c + suffix;
    }
    this.literalPrefix = prefix;
    this.literalSuffix = suffix;
  }

  /** Whether the slash-separated relative path matches this pattern itself (no parent logic). */
  match(path: string): boolean {
    switch (this.matchType) {
      case "exact":
        return path === this.pattern;
      case "prefix":
        return path.startsWith(this.pattern.slice(0, -2));
      case "suffix": {
        const suffix = this.pattern.slice(2);
        return path.endsWith(suffix) || (suffix[0] === "/" && path === suffix.slice(1));
      }
      default:
        if (!path.startsWith(this.literalPrefix) || !path.endsWith(this.literalSuffix)) return false;
        return this.simulate(path);
    }
  }

  /** Thompson NFA over the tokens. State 2j: before token j; 2j+1: inside the `.*` of a `(.*\/)?` token j. */
  private simulate(path: string): boolean {
    const m = this.tokens.length;
    let current = new Uint8Array(2 * m + 1);
    let next = new Uint8Array(2 * m + 1);
    const add = (set: Uint8Array, s: number): void => {
      if (set[s]) return;
      set[s] = 1;
      if (s % 2 === 1 || s === 2 * m) return;
      const tok = this.tokens[s / 2];
      if (tok.t === "star" || tok.t === "rest") add(set, s + 2);
      else if (tok.t === "dirs") {
        add(set, s + 1);
        add(set, s + 2);
      }
    };
    add(current, 0);
    for (const ch of path) {
      next.fill(0);
      let alive = false;
      for (let s = 0; s < 2 * m; s++) {
        if (!current[s]) continue;
        if (s % 2 === 1) {
          // the `.*` of (.*\/)?: any character but a newline, and a "/" may end it
          if (ch !== "\n") add(next, s);
          if (ch === "/") add(next, s + 1);
          alive = true;
          continue;
        }
        const tok = this.tokens[s / 2];
        let to = -1;
        if (tok.t === "lit") to = tok.c === ch ? s + 2 : -1;
        else if (tok.t === "any") to = ch !== "/" ? s + 2 : -1;
        else if (tok.t === "star") to = ch !== "/" ? s : -1;
        else if (tok.t === "rest") to = ch !== "\n" ? s : -1;
        else if (tok.t === "class") to = classMatches(tok, ch) ? s + 2 : -1;
        if (to >= 0) {
          add(next, to);
          alive = true;
        }
      }
      if (!alive) return false;
      [current, next] = [next, current];
    }
    return current[2 * m] === 1;
  }
}

function classMatches(tok: { negated: boolean; ranges: Array<[string, string]> }, ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  const inside = tok.ranges.some(([lo, hi]) => cp >= (lo.codePointAt(0) as number) && cp <= (hi.codePointAt(0) as number));
  return inside !== tok.negated;
}
