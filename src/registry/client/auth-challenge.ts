/**
 * The WWW-Authenticate challenge a registry answers 401 with (RFC 7235 §4.1,
 * distribution's docs/spec/auth/token.md):
 *
 *   WWW-Authenticate: Bearer realm="https://auth.example/token",service="registry.example",scope="repository:x:pull"
 *   WWW-Authenticate: Basic realm="basic-realm"
 *
 * A header may carry several challenges separated by commas, and parameter
 * values may be quoted strings with backslash escapes, so a plain split on
 * "," is wrong. This module is pure: it only parses.
 */

export interface Challenge {
  /** Lower-cased scheme: "basic", "bearer", … */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parses one or more challenges; unparseable tails are ignored rather than failing the request. */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  const out: Challenge[] = [];
  let s = (header ?? "").trim();
  let current: Challenge | undefined;
  while (s.length > 0) {
    s = s.replace(/^[\s,]+/, "");
    const tok = TOKEN.exec(s);
    if (!tok) break;
    const word = tok[0];
    s = s.slice(word.length);
    const afterWs = s.replace(/^\s+/, "");
    if (afterWs.startsWith("=") && current) {
      // a parameter of the current challenge
      s = afterWs.slice(1).replace(/^\s+/, "");
      let value: string;
      if (s.startsWith('"')) {
        let i = 1;
        value = "";
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        s = s.slice(i + 1);
      } else {
        const m = /^[^,\s]*/.exec(s)!;
        value = m[0];
        s = s.slice(value.length);
      }
      current.params[word.toLowerCase()] = value;
    } else {
      current = { scheme: word.toLowerCase(), params: {} };
      out.push(current);
      s = afterWs;
    }
  }
  return out;
}
