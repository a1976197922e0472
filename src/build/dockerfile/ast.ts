/**
 * The parsed Dockerfile: the contract between the parser (parse.ts, which
 * knows the grammar) and the builder (which knows what each step does).
 *
 * Words are kept as written: variable substitution depends on the ARG/ENV
 * state at the moment a step runs, so it happens at dispatch time through
 * `expandInstruction` (expand.ts), not here. Only the instructions Docker
 * expands are expanded there (ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER
 * VOLUME WORKDIR, and ARG defaults).
 */

/** Where an instruction starts in the file (1-based). */
export interface SourcePos {
  line: number;
  column: number;
}

/** `RUN ["a","b"]` (exec form) or `RUN a b` (shell form: run with the stage's SHELL). */
export type CommandForm = { kind: "exec"; args: string[] } | { kind: "shell"; text: string };

/** A here-document attached to RUN or COPY/ADD (`<<EOF`, `<<-EOF` strips leading tabs, `<<"EOF"` does not expand). */
export interface Heredoc {
  /** the delimiter word, e.g. "EOF" */
  name: string;
  /** the body, lines joined with "\n" and ending with "\n" (tabs already stripped for `<<-`) */
  content: string;
  /** false when the delimiter was quoted: no variable expansion in the body */
  expand: boolean;
}

interface Base {
  pos: SourcePos;
  /** last line of the instruction (continuations and heredoc bodies included) */
  endLine: number;
  /**
   * The instruction as Docker's classic builder prints it in "Step N/M : …":
   * the keyword in its written case followed by the rest of the line(s),
   * continuations joined (backslash-newline removed), comments inside
   * continuations dropped, surrounding whitespace trimmed.
   */
  original: string;
}

export interface FromInstruction extends Base {
  kind: "from";
  image: string;
  /** `AS name`, lower-cased as Docker does */
  stageName?: string;
  /** `--platform=…` */
  platform?: string;
}

export interface RunInstruction extends Base {
  kind: "run";
  cmd: CommandForm;
  heredocs: Heredoc[];
  /** `--mount=…`, `--network=…`, `--security=…` values as written (accepted; the builder says what it ignores) */
  flags: Record<string, string[]>;
}

export interface CmdInstruction extends Base {
  kind: "cmd" | "entrypoint";
  cmd: CommandForm;
}

export interface KeyValueInstruction extends Base {
  kind: "env" | "label";
  /** in order; values with quotes removed as Docker does, `ENV k v` legacy form gives one pair */
  pairs: Array<[key: string, value: string]>;
  /**
   * The same pairs exactly as written (quotes and escapes kept). Quote removal
   * and `$var` substitution are one pass in Docker (`'$x'` stays `$x`, `"$x"`
   * expands), so expandInstruction works from these; in `pairs` a `$…` is
   * left as written.
   */
  rawPairs: Array<[key: string, value: string]>;
}

export interface ArgInstruction extends Base {
  kind: "arg";
  args: Array<{ name: string; default?: string }>;
}

export interface CopyInstruction extends Base {
  kind: "copy" | "add";
  /** sources as written (may hold globs, URLs for ADD); empty when only heredocs are sources */
  sources: string[];
  /** heredoc sources (`COPY <<EOF /dest`) */
  heredocs: Heredoc[];
  dest: string;
  chown?: string;
  chmod?: string;
  /** `--from=stage|image|index` (COPY only) */
  from?: string;
  /** other flags as written (`--link`, `--parents`, `--exclude`, `--keep-git-dir`, `--checksum`) */
  flags: Record<string, string[]>;
}

export interface WordInstruction extends Base {
  kind: "workdir" | "user" | "stopsignal" | "maintainer";
  value: string;
}

export interface ListInstruction extends Base {
  kind: "expose" | "volume";
  /** EXPOSE ports / VOLUME paths (JSON array or whitespace-separated) */
  values: string[];
}

export interface ShellInstruction extends Base {
  kind: "shell";
  /** always JSON form */
  args: string[];
}

export interface HealthcheckInstruction extends Base {
  kind: "healthcheck";
  /** `HEALTHCHECK NONE` */
  none: boolean;
  /** the CMD (exec form → ["CMD", …], shell form → ["CMD-SHELL", text]); undefined when none */
  test?: string[];
  /** nanoseconds, as in the image config; undefined when not given */
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}

export interface OnbuildInstruction extends Base {
  kind: "onbuild";
  /** the trigger as written after ONBUILD, e.g. "RUN echo hi" (stored in the image config's OnBuild) */
  trigger: string;
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | KeyValueInstruction
  | ArgInstruction
  | CopyInstruction
  | WordInstruction
  | ListInstruction
  | ShellInstruction
  | HealthcheckInstruction
  | OnbuildInstruction;

export interface Stage {
  /** 0-based position among the stages */
  index: number;
  /** the FROM that starts the stage */
  from: FromInstruction;
  /** the instructions after FROM, in order */
  instructions: Instruction[];
}

export interface Dockerfile {
  /** parser directives found at the top (`escape`, `syntax`, `check`), lower-case keys */
  directives: Record<string, string>;
  /** the escape character in force ("\\" or "`") */
  escape: string;
  /** ARG instructions before the first FROM (usable in FROM lines only, unless re-declared in a stage) */
  metaArgs: ArgInstruction[];
  stages: Stage[];
  /** human-readable notes for the build output, e.g. "syntax directive ignored" */
  warnings: string[];
}
