/**
 * Deterministic fuzzing of the build front end: whatever the input, the
 * parser, the expander and the .dockerignore matcher either answer or throw
 * their typed InvalidArgumentError, never anything else (no TypeError,
 * RangeError, or hang).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import { DockerIgnore } from "../context/dockerignore.js";
import { expandInstruction, expandWord, expandWords } from "./expand.js";
import { DockerfileParseError, parseDockerfile } from "./parse.js";
import { resolveRunCommand } from "./run-command.js";
import { stagesNeeded } from "./stages.js";

/** mulberry32: a small PRNG in 32-bit integer arithmetic (a float LCG loses its low bits and sticks at 0). */
function rng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}
const ALPHABET = ["a", "b", "=", " ", "\t", "\n", "\\", "`", '"', "'", "$", "{", "}", ":", "-", "+", "?", "[", "]", ",", "#", "<", "/", "*", "!", ".", "é", "😀", "\r", "0", "--"];
const WORDS = ["FROM ", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "LABEL ", "ONBUILD ", "HEALTHCHECK ", "SHELL ", "CMD ", "EXPOSE ", "VOLUME ", "WORKDIR ", "<<EOF", "EOF", "AS ", "# escape=`\n", "--from=", "--mount=", "${", "[\"", "\"]"];

function randomText(r: (n: number) => number, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += r(3) === 0 ? WORDS[r(WORDS.length)] : ALPHABET[r(ALPHABET.length)];
  return s;
}

const KEYWORDS = ["RUN", "COPY", "ADD", "ENV", "ARG", "LABEL", "ONBUILD RUN", "HEALTHCHECK CMD", "SHELL", "CMD", "ENTRYPOINT", "EXPOSE", "VOLUME", "WORKDIR", "USER", "STOPSIGNAL", "FROM", "MAINTAINER"];
const ARG_CHARS = ALPHABET.filter((c) => c !== "\n" && c !== "\r");

/** A Dockerfile-shaped text: instruction lines with random arguments, sometimes a heredoc end. */
function randomDockerfile(r: (n: number) => number): string {
  const lines = [r(4) ? "FROM a" : "FROM a AS s" + r(3)];
  for (let i = 0, n = 1 + r(6); i < n; i++) {
    let args = "";
    for (let j = 0, m = r(12); j < m; j++) args += r(4) === 0 ? WORDS[r(WORDS.length)].replace(/\n/g, "") : ARG_CHARS[r(ARG_CHARS.length)];
    lines.push(`${KEYWORDS[r(KEYWORDS.length)]} ${args}`);
    if (r(4) === 0) lines.push("EOF");
  }
  return lines.join("\n") + "\n";
}

test("fuzz: parseDockerfile and the modules after it only throw typed errors", () => {
  const r = rng(42);
  let parsed = 0;
  for (let round = 0; round < 4000; round++) {
    const text = round % 2 ? randomDockerfile(r) : (r(2) ? "FROM a\n" : "") + randomText(r, 5 + r(60));
    try {
      const df = parseDockerfile(text);
      parsed++;
      stagesNeeded(df, undefined, {});
      for (const stage of df.stages) {
        for (const instr of stage.instructions) {
          if (instr.kind === "run") resolveRunCommand(instr);
          try {
            expandInstruction(instr, (n) => (n === "a" ? "x y" : undefined), df.escape);
          } catch (err) {
            assert.ok(err instanceof InvalidArgumentError, `${JSON.stringify(text)} expand → ${String(err)}`);
          }
        }
      }
    } catch (err) {
      assert.ok(err instanceof InvalidArgumentError, `${JSON.stringify(text)} → ${String(err)}`);
      if (err instanceof DockerfileParseError) assert.ok(err.line >= 1 && err.column >= 1);
    }
  }
  assert.ok(parsed > 100, `enough inputs parse to exercise the later modules (${parsed})`);
});

test("fuzz: expandWord/expandWords only throw typed errors", () => {
  const r = rng(7);
  for (let round = 0; round < 5000; round++) {
    const word = randomText(r, 1 + r(40));
    for (const escape of ["\\", "`"]) {
      try {
        expandWord(word, (n) => (n === "a" ? "1 2" : n === "b" ? "" : undefined), escape);
        expandWords(word, () => "v", escape);
      } catch (err) {
        assert.ok(err instanceof InvalidArgumentError, `${JSON.stringify(word)} → ${String(err)}`);
      }
    }
  }
});

test("fuzz: .dockerignore patterns parse or fail typed, and matching never throws", () => {
  const r = rng(99);
  const paths = ["a", "a/b", "a/b/c.go", ".dockerignore", "Dockerfile", "é/😀", "[", "a*b", "x/y/z/w"];
  for (let round = 0; round < 3000; round++) {
    const text = randomText(r, 1 + r(30));
    let ig: DockerIgnore;
    try {
      ig = DockerIgnore.parse(text, { alwaysInclude: ["Dockerfile", ".dockerignore"] });
    } catch (err) {
      assert.ok(err instanceof InvalidArgumentError, `${JSON.stringify(text)} → ${String(err)}`);
      continue;
    }
    for (const p of paths) {
      const excluded = ig.matches(p);
      assert.equal(typeof excluded, "boolean");
      ig.mayHaveExceptionsUnder(p);
      if (p === "Dockerfile" || p === ".dockerignore") assert.equal(excluded, false, `${JSON.stringify(text)} keeps ${p}`);
    }
  }
});
