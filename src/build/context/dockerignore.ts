/**
 * .dockerignore: which files of the build context are not sent/used.
 *
 * Reading follows Docker's dockerignore.ReadAll: `#` lines are comments
 * (only when `#` is the first character), lines are trimmed, blank lines
 * skipped, a leading `!` marks an exception, each pattern is cleaned like Go's
 * filepath.Clean and a leading `/` dropped (so `/a`, `./a` and `a` are the
 * same pattern).
 *
 * Matching follows patternmatcher.MatchesOrParentMatches: patterns apply in
 * order and the last one that matches wins; a pattern that matches a parent
 * directory of the path matches the path (excluding `dir` excludes everything
 * below it, and `!dir` re-includes everything below it).
 *
 * The Dockerfile and the .dockerignore file are always sent, even when a
 * pattern excludes them (Docker's CLI appends `!Dockerfile` and
 * `!.dockerignore`): pass `alwaysIncluded(dockerfilePath)` as the
 * `alwaysInclude` option of parse.
 */
import { posix } from "node:path";
import { InvalidArgumentError } from "../../errors/index.js";
import { IgnorePattern } from "./dockerignore-pattern.js";

/** A .dockerignore bigger than this is refused. */
export const MAX_DOCKERIGNORE_BYTES = 10 * 1024 * 1024;

/** Go's filepath.Clean for slash paths: "" → ".", "a//b/./c/.." → "a/b", "/.." → "/". */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const cleaned = posix.normalize(p);
  return cleaned.length > 1 && cleaned.endsWith("/") ? cleaned.slice(0, -1) : cleaned;
}

/** A context-relative path as the matcher wants it: cleaned, no leading "/" or "./". */
function relative(p: string): string {
  const cleaned = cleanPath(p);
  return cleaned.startsWith("/") ? cleanPath(cleaned.slice(1)) : cleaned;
}

/** The paths a build always sends whatever .dockerignore says: the Dockerfile and .dockerignore. */
export function alwaysIncluded(dockerfilePath = "Dockerfile"): string[] {
  return [".dockerignore", relative(dockerfilePath)];
}

interface Rule {
  exclusion: boolean;
  pattern: IgnorePattern;
  segments: string[];
}

export class DockerIgnore {
  private constructor(private readonly rules: Rule[]) {}

  /** The patterns in order, as cleaned (`!` kept on exceptions). */
  get patterns(): string[] {
    return this.rules.map((r) => (r.exclusion ? "!" : "") + r.pattern.pattern);
  }

  /** True when nothing is ignored. */
  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  static parse(text: string, options: { alwaysInclude?: string[] } = {}): DockerIgnore {
    if (text.length > MAX_DOCKERIGNORE_BYTES) {
      throw new InvalidArgumentError(`.dockerignore is larger than ${MAX_DOCKERIGNORE_BYTES} bytes`);
    }
    const lines = text.split("\n");
    if (lines[0].startsWith("\ufeff")) lines[0] = lines[0].slice(1);
    const rules: Rule[] = [];
    for (const line of lines) {
      if (line.startsWith("#")) continue;
      let pattern = line.trim();
      if (pattern === "") continue;
      const exclusion = pattern.startsWith("!");
      if (exclusion) pattern = pattern.slice(1).trim();
      if (pattern !== "") {
        pattern = cleanPath(pattern);
        if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
      }
      // patternmatcher cleans again after the "!" is put back; "!" alone is refused there
      if (exclusion && pattern === "") throw new InvalidArgumentError('illegal exclusion pattern: "!"');
      rules.push(DockerIgnore.rule(exclusion, cleanPath(pattern)));
    }
    const ignore = new DockerIgnore(rules);
    for (const keep of options.alwaysInclude ?? []) {
      const path = relative(keep);
      if (ignore.matches(path)) rules.push(DockerIgnore.rule(true, path));
    }
    return ignore;
  }

  private static rule(exclusion: boolean, pattern: string): Rule {
    return { exclusion, pattern: new IgnorePattern(pattern), segments: pattern.split("/") };
  }

  /** Whether the context-relative path (slash-separated) is excluded from the build context. */
  matches(relPath: string): boolean {
    const path = relative(relPath);
    if (path === "." || this.rules.length === 0) return false;
    const parents = path.split("/").slice(0, -1);
    let matched = false;
    for (const rule of this.rules) {
      // An include can only change an unmatched path, an exception only a matched one.
      if (rule.exclusion !== matched) continue;
      let hit = rule.pattern.match(path);
      for (let i = 1; !hit && i <= parents.length; i++) hit = rule.pattern.match(parents.slice(0, i).join("/"));
      if (hit) matched = !rule.exclusion;
    }
    return matched;
  }

  /**
   * False when no `!` exception can re-include anything at or below the
   * (excluded) directory, so a walker may skip it without descending. Errs on
   * the side of true: a `**` or a pattern whose leading segments fit the
   * directory counts. (Docker's own walker only checks plain prefixes and can
   * wrongly skip a directory that `!` + `*` + `/keep` reaches; this does not.)
   */
  mayHaveExceptionsUnder(relDir: string): boolean {
    const dir = relative(relDir);
    const dirSegments = dir === "." ? [] : dir.split("/");
    return this.rules.some((rule) => rule.exclusion && exceptionReaches(rule, dirSegments));
  }
}

function exceptionReaches(rule: Rule, dirSegments: string[]): boolean {
  if (dirSegments.length === 0) return true;
  // The exception names the directory or one of its parents: everything below is re-included.
  for (let k = 1; k <= dirSegments.length; k++) {
    if (rule.pattern.match(dirSegments.slice(0, k).join("/"))) return true;
  }
  const segs = rule.segments;
  for (let i = 0; i < dirSegments.length; i++) {
    if (i >= segs.length) return false;
    if (segs[i].includes("**")) return true;
    let segment: IgnorePattern;
    try {
      segment = new IgnorePattern(segs[i]);
    } catch {
      return true; // a class spanning "/" is not a segment pattern: assume it may match
    }
    if (!segment.match(dirSegments[i])) return false;
  }
  return segs.length > dirSegments.length;
}
