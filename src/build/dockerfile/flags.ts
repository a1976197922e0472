/**
 * Instruction flags (`COPY --from=x`, `RUN --mount=…`), parsed the way
 * buildkit's BFlags does, and Go's time.ParseDuration for HEALTHCHECK.
 */

/** bool: `--link` or `--link=true|false`; string: once; strings: repeatable. */
export type FlagType = "bool" | "string" | "strings";
export type FlagSpec = Record<string, FlagType>;

/** Parsed values; bool flags hold "true" or "false". */
export type FlagValues = Record<string, string[]>;

/** Throws a plain Error with Docker's message; the caller adds the position. */
export function parseFlags(words: string[], spec: FlagSpec): FlagValues {
  const out: FlagValues = {};
  for (const word of words) {
    if (!word.startsWith("--")) throw new Error(`arg should start with -- : ${word}`);
    if (word === "--") break;
    const body = word.slice(2);
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    const hasValue = eq >= 0;
    const value = hasValue ? body.slice(eq + 1) : "";
    const type = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (type === undefined) throw new Error(`unknown flag: ${name}`);
    if (Object.hasOwn(out, name) && type !== "strings") throw new Error(`duplicate flag specified: ${name}`);
    switch (type) {
      case "bool": {
        if (hasValue && value === "") throw new Error(`missing a value on flag: ${name}`);
        const v = value.toLowerCase();
        if (v !== "" && v !== "true" && v !== "false") {
          throw new Error(`expecting boolean value for flag ${name}, not: ${value}`);
        }
        out[name] = [v === "false" ? "false" : "true"];
        break;
      }
      case "string":
        if (!hasValue) throw new Error(`missing a value on flag: ${name}`);
        out[name] = [value];
        break;
      case "strings":
        if (!hasValue) throw new Error(`missing a value on flag: ${name}`);
        (out[name] ??= []).push(value);
        break;
    }
  }
  return out;
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n, // U+00B5 micro sign
  "μs": 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_DURATION = (1n << 63n) - 1n;

/** Go's time.ParseDuration ("1m30s", "1.5h", "-2ms", "0") in nanoseconds. */
export function parseGoDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s) as RegExpExecArray;
    const [whole, intPart] = m;
    const fracPart = (m[2] ?? "").slice(0, 30); // Go keeps only what an int64 can hold too
    if (intPart === "" && (m[2] ?? "") === "") throw invalid();
    // more digits than any int64 of nanoseconds can hold (also keeps BigInt parsing cheap)
    if (intPart.length > 20) throw invalid();
    s = s.slice(whole.length);
    const unitMatch = /^[^\d.]+/.exec(s);
    if (!unitMatch) throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    const unitName = unitMatch[0];
    const unit = UNIT_NS[unitName];
    if (unit === undefined) {
      throw new Error(`time: unknown unit ${JSON.stringify(unitName)} in duration ${JSON.stringify(text)}`);
    }
    s = s.slice(unitName.length);
    let v = BigInt(intPart === "" ? "0" : intPart) * unit;
    if (fracPart !== "") v += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += v;
    if (total > MAX_DURATION) throw invalid();
  }
  return Number(negative ? -total : total);
}
