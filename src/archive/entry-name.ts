/**
 * Lexical cleaning of tar entry names (and hardlink targets) into path
 * components relative to the layer root.
 *
 * Docker strips leading "/" (an entry "/etc/x" lands at "<root>/etc/x"),
 * drops "." and empty components, and resolves ".." lexically; a name whose
 * ".." climbs above the root is a breakout and is refused. Symlinks are never
 * consulted here: layer-tree.ts refuses any parent that is a symlink, so the
 * lexical result is exactly where the entry lands.
 */
import { InvalidArgumentError } from "../errors/index.js";

/** Components of `name` relative to the root; [] means the root itself. */
export function cleanEntryName(name: string, what = "entry"): string[] {
  if (name.includes("\0")) throw new InvalidArgumentError(`${what} ${JSON.stringify(name)}: name contains NUL`);
  const out: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) {
        throw new InvalidArgumentError(`${what} ${JSON.stringify(name)}: path escapes the layer root`);
      }
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out;
}
