/**
 * History `created_by` strings as Docker's classic builder writes them
 * (moby builder/dockerfile/dispatchers.go; checked against dockerd 20.10 on
 * the same Dockerfile, test/integration/build-peer.test.ts):
 *
 *   metadata:  "<shell> #(nop)  ENV X=1 Y=two words"   (two spaces)
 *              "<shell> #(nop)  CMD [\"/bin/sh\" \"-c\" \"x\"]"   (Go %q of the list)
 *              "<shell> #(nop)  SHELL [/bin/sh -xc]"  (Go %v of the list)
 *   WORKDIR:   "<shell> #(nop) WORKDIR /abs"          (one space)
 *   COPY/ADD:  "<shell> #(nop) COPY file:<hex> in /dst "   (trailing space; dir:/multi:)
 *   RUN:       "|2 A=1 B=2 /bin/sh -c echo hi"  (build args in scope, sorted; the
 *              "|N …" prefix only when there are some)
 *
 * <shell> is the stage's SHELL at that step, joined with spaces.
 */

/** Go's strconv.Quote for the strings a Dockerfile can hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(" ")}]`;
}

/** Go's %v of a []string: `[a b]`. */
export function goList(list: readonly string[]): string {
  return `[${list.join(" ")}]`;
}

/** Go's time.Duration.String() for nanoseconds ("5s", "1m30s", "500ms", "0s"). */
export function goDuration(ns: number): string {
  if (ns === 0) return "0s";
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trimZeros(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trimZeros(ns / 1e6)}ms`;
  let s = ns / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = `${trimZeros(Math.round(s * 1e9) / 1e9)}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

function trimZeros(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** Go's %q of an int (a rune literal): 0 → '\x00', 3 → '\x03', 65 → 'A'. */
export function goRune(n: number): string {
  if (n >= 0x20 && n < 0x7f && n !== 0x27 && n !== 0x5c) return `'${String.fromCharCode(n)}'`;
  if (n < 0x100) return `'\\x${n.toString(16).padStart(2, "0")}'`;
  return `'\\u${n.toString(16).padStart(4, "0")}'`;
}

export function nopCreatedBy(shell: readonly string[], text: string): string {
  return `${shell.join(" ")} #(nop)  ${text}`;
}

export function nop1CreatedBy(shell: readonly string[], text: string): string {
  return `${shell.join(" ")} #(nop) ${text}`;
}

export function runCreatedBy(argv: readonly string[], buildArgs: readonly string[]): string {
  const prefix = buildArgs.length > 0 ? `|${buildArgs.length} ${buildArgs.join(" ")} ` : "";
  return prefix + argv.join(" ");
}
