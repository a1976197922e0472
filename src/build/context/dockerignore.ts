/**
 * .dockerignore: which files of the build context are not sent/used.
 *
 * Reading follows Docker's dockerignore.ReadAll: `#` lines are comments
 * (only when `#` is the first character), lines are trimmed, blank lines
 * skipped, a leading `!` marks an exception, each pattern is cleaned like Go's
 * filepath.Clean and a leading `/` dropped (so `/a`, `./a` and `a` are the
 * same pattern).
 *
 * Matching follows what Docker's context walkers do (moby archive and
 * BuildKit fsutil, patternmatcher.MatchesUsingParentResults): patterns apply
 * in order and the last one that matches wins; a pattern that matched a
 * parent directory matches everything below it (excluding `dir` excludes its
 * contents, `!dir` re-includes them). A pattern skipped at the parent (an
 * include while already excluded, say) is tried on the child's path only, not
 * on its parents: `xx`, `!xx/deep/keep`, `xx/deep` keeps `xx/deep/keep`, as
 * dockerd does.
 *
 * The Dockerfile and the .dockerignore file are always sent, even when a
 * pattern excludes them (Docker's CLI appends `!Dockerfile` and
 * `!.dockerignore`): pass `alwaysIncluded(dockerfilePath)` as the
 * `alwaysInclude` option of parse on the sending side. The daemon reads them
 * and then deletes those that .dockerignore excludes from the context, so
 * `COPY . /x` does not see them: see removedAfterReading.
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

/** What a directory's match leaves for its children (opaque to callers). */
export interface MatchInfo {
  readonly results: readonly boolean[];
}

interface Rule {
  exclusion: boolean;
  pattern: IgnorePattern;
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
    return { exclusion, pattern: new IgnorePattern(pattern) };
  }

  /** Whether the context-relative path (slash-separated) is excluded from the build context. */
  matches(relPath: string): boolean {
    const path = relative(relPath);
    if (path === "." || this.rules.length === 0) return false;
    // Evaluate each ancestor directory, then the path, as Docker's walker does.
    let parent: MatchInfo | undefined;
    for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) parent = this.match(path.slice(0, i), parent).info;
    return this.match(path, parent).excluded;
  }

  /**
   * One step of a walk (patternmatcher.MatchesUsingParentResults): whether
   * `relPath` is excluded given its parent directory's `info` (undefined for
   * entries at the top of the context), and the info to pass to its children.
   * Each pattern that matched the parent counts as matching the child; the
   * others are tried on the child's own path. A walker calling this per entry
   * pays O(patterns) instead of O(patterns × depth).
   */
  match(relPath: string, parent?: MatchInfo): { excluded: boolean; info: MatchInfo } {
    const path = relative(relPath);
    const results: boolean[] = new Array(this.rules.length).fill(false);
    let matched = false;
    this.rules.forEach((rule, i) => {
      let hit = parent?.results[i] ?? false;
      if (!hit) {
        // An include can only change an unmatched path, an exception only a matched one.
        if (rule.exclusion !== matched) return;
        hit = rule.pattern.match(path);
        // Without parent results, try the parent directories themselves (MatchesOrParentMatches).
        for (let j = path.indexOf("/"); !hit && parent === undefined && j >= 0; j = path.indexOf("/", j + 1)) {
          hit = rule.pattern.match(path.slice(0, j));
        }
      }
      results[i] = hit;
      if (hit) matched = !rule.exclusion;
    });
    return { excluded: matched, info: { results } };
  }

  /**
   * Whether a walker must still descend into an excluded directory because a
   * `!` exception might re-include something below it. This is Docker's own
   * rule (moby archive.TarWithOptions, BuildKit fsutil): descend only when an
   * exception pattern, as text, starts with `dir/`. So with `*` and the
   * exception `!*` + `/keep`, `a/keep` is NOT brought back (moby/moby#30018);
   * matching that keeps the same files in the context as Docker.
   */
  mayHaveExceptionsUnder(relDir: string): boolean {
    const dir = relative(relDir);
    if (dir === ".") return this.rules.some((r) => r.exclusion);
    const prefix = dir + "/";
    return this.rules.some((r) => r.exclusion && (r.pattern.pattern + "/").startsWith(prefix));
  }

  /**
   * Of the Dockerfile and .dockerignore (always sent), the ones the daemon
   * then removes from the context COPY/ADD see, because .dockerignore
   * excludes them (moby builder/remotecontext removeDockerfile). Call on a
   * DockerIgnore parsed without `alwaysInclude`.
   */
  removedAfterReading(dockerfilePath = "Dockerfile"): string[] {
    return alwaysIncluded(dockerfilePath).filter((p) => this.matches(p));
  }
}
