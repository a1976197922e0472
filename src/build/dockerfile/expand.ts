/**
 * Variable substitution at dispatch time (Docker's "environment
 * replacement"). The builder calls expandInstruction with the ARG/ENV state
 * in force when a step runs; the parser never substitutes.
 *
 * Docker substitutes in ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME
 * WORKDIR and ARG, plus COPY/ADD --from/--chown/--chmod and FROM --platform.
 * RUN CMD ENTRYPOINT SHELL HEALTHCHECK ONBUILD MAINTAINER are left alone: the
 * shell in the container (or the child image's build) sees them as written.
 * Heredoc bodies of COPY/ADD are substituted when their delimiter was not
 * quoted (quotes inside the body are kept); RUN heredocs are the shell's.
 * Each field is one word (ProcessWord: quotes removed, inner blanks kept),
 * except EXPOSE, whose values are split again after substitution
 * (ProcessWords: `EXPOSE $PORTS` with PORTS="80 443" gives two ports).
 * ENV/LABEL pairs are rebuilt from `rawPairs`.
 */
import type { Instruction } from "./ast.js";
import { type EnvLookup, ShellExpansionError, lexWord, lexWords } from "./shell-lexer.js";

export { type EnvLookup, ShellExpansionError } from "./shell-lexer.js";

/**
 * One word with quotes removed, escapes honoured and `$v` `${v}` `${v:-w}`
 * `${v-w}` `${v:+w}` `${v+w}` `${v:?msg}` `${v?msg}` substituted; an unset
 * variable is empty. Whitespace is kept (ProcessWord).
 */
export function expandWord(word: string, env: EnvLookup, escape = "\\"): string {
  return lexWord(word, env, { escape });
}

/** Like expandWord, then split on whitespace that was not quoted (ProcessWords). */
export function expandWords(word: string, env: EnvLookup, escape = "\\"): string[] {
  return lexWords(word, env, { escape });
}

/** Adapts a plain record (or Map) to an EnvLookup. */
export function envFrom(vars: Record<string, string> | Map<string, string>): EnvLookup {
  if (vars instanceof Map) return (name) => vars.get(name);
  return (name) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
}

/**
 * A copy of `instr` with the fields Docker substitutes expanded. Errors
 * (`${x:?msg}`, a missing `}`) are ShellExpansionErrors naming the word:
 * `failed to process "${x:?}": x: is not allowed to be unset`.
 */
export function expandInstruction<T extends Instruction>(instr: T, env: EnvLookup, escape = "\\"): T {
  const word = (w: string): string => {
    try {
      return lexWord(w, env, { escape });
    } catch (err) {
      throw wrap(w, err);
    }
  };
  const optional = (w: string | undefined) => (w === undefined ? undefined : word(w));
  const i = instr as Instruction;
  switch (i.kind) {
    case "from": {
      const out = { ...i, image: word(i.image) };
      if (i.platform !== undefined) out.platform = word(i.platform);
      return out as T;
    }
    case "env":
    case "label": {
      const pairs = i.rawPairs.map(([k, v]): [string, string] => [word(k), word(v)]);
      return { ...i, pairs } as T;
    }
    case "arg":
      return {
        ...i,
        args: i.args.map((a) => (a.default === undefined ? { name: word(a.name) } : { name: word(a.name), default: word(a.default) })),
      } as T;
    case "copy":
    case "add": {
      const out = {
        ...i,
        sources: i.sources.map(word),
        dest: word(i.dest),
        heredocs: i.heredocs.map((h) => (h.expand ? { ...h, content: expandHeredocBody(h.content, env, escape) } : { ...h })),
      };
      if (i.chown !== undefined) out.chown = optional(i.chown);
      if (i.chmod !== undefined) out.chmod = optional(i.chmod);
      if (i.from !== undefined) out.from = optional(i.from);
      return out as T;
    }
    case "workdir":
    case "user":
    case "stopsignal":
      return { ...i, value: word(i.value) } as T;
    case "expose":
      return {
        ...i,
        values: i.values.flatMap((v) => {
          try {
            return lexWords(v, env, { escape });
          } catch (err) {
            throw wrap(v, err);
          }
        }),
      } as T;
    case "volume":
      return { ...i, values: i.values.map(word) } as T;
    default:
      return { ...i } as T;
  }
}

/** A COPY heredoc body: `$v` substituted and escapes honoured, quotes kept as text. */
export function expandHeredocBody(content: string, env: EnvLookup, escape = "\\"): string {
  try {
    return lexWord(content, env, { escape, skipQuotes: true });
  } catch (err) {
    throw wrap(content, err);
  }
}

function wrap(word: string, err: unknown): unknown {
  if (!(err instanceof ShellExpansionError)) return err;
  const shown = word.length > 200 ? word.slice(0, 200) + "…" : word;
  return new ShellExpansionError(`failed to process ${JSON.stringify(shown)}: ${err.message}`, { cause: err });
}
