/**
 * Go's path.Match / filepath.Match pattern as a RegExp: `*` and `?` never
 * match "/", `[class]` (with `^` or `!` negation), `\` escapes the next
 * character, everything else is literal. Used wherever Docker matches names
 * with Go's matcher (image reference filters, COPY/ADD source globs).
 */
import { InvalidArgumentError } from "../errors/index.js";

/** `badPattern` words the error for an unterminated class, as each caller's Docker message goes. */
export function goPathMatchRegExp(pattern: string, badPattern: (p: string) => string = (p) => `syntax error in pattern: ${p}`): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) throw new InvalidArgumentError(badPattern(pattern));
      let cls = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
      if (cls.startsWith("^") || cls.startsWith("!")) cls = "^" + cls.slice(1);
      re += `[${cls}]`;
      i = end;
    } else if (c === "\\" && i + 1 < pattern.length) re += "\\" + pattern[++i];
    else re += c.replace(/[.+^${}()|\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
