/**
 * Detach keys (`--detach-keys`, default ctrl-p,ctrl-q): a key sequence in an
 * attached client's input that ends the attachment without touching the
 * container. Docker's format: comma-separated "ctrl-<char>" (a-z, @, [, \, ],
 * ^, _) or single characters. Bytes of a partial match are held back until the
 * sequence breaks, then passed on.
 */
import { InvalidArgumentError } from "../errors/index.js";

export function parseDetachKeys(spec: string): number[] {
  if (spec === "") return [];
  return spec.split(",").map((k) => {
    const m = /^ctrl-(.)$/.exec(k);
    if (m) {
      const c = m[1]!;
      const special: Record<string, number> = { "@": 0, "[": 27, "\\": 28, "]": 29, "^": 30, _: 31 };
      if (/[a-z]/.test(c)) return c.charCodeAt(0) - 96;
      if (c in special) return special[c]!;
    } else if (k.length === 1) {
      return k.charCodeAt(0);
    }
    throw new InvalidArgumentError(`Invalid detach keys (${spec}) provided`);
  });
}

/** Returns a function that filters input chunks and reports when the sequence was typed. */
export function detachMatcher(spec: string): (chunk: Buffer) => { pass: Buffer; detached: boolean } {
  const seq = parseDetachKeys(spec);
  let matched = 0;
  return (chunk) => {
    if (seq.length === 0) return { pass: chunk, detached: false };
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === seq[matched]) {
        matched++;
        if (matched === seq.length) return { pass: Buffer.from(out), detached: true };
        continue;
      }
      // the partial match was ordinary input after all
      for (let i = 0; i < matched; i++) out.push(seq[i]!);
      matched = byte === seq[0] ? 1 : 0;
      if (matched === 0) out.push(byte);
    }
    return { pass: Buffer.from(out), detached: false };
  };
}
