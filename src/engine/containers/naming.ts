/**
 * Container IDs and names as Docker makes them: a 64-hex random ID, shown
 * truncated to 12; names match [a-zA-Z0-9][a-zA-Z0-9_.-]+ and are generated
 * as adjective_surname when the user gives none.
 */
import { randomBytes } from "node:crypto";
import { InvalidArgumentError } from "../../errors/index.js";

export function newContainerId(): string {
  return randomBytes(32).toString("hex");
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Validates a user-supplied name ("/x" or "x") and returns it without the slash. */
export function parseContainerName(raw: string): string {
  const name = raw.startsWith("/") ? raw.slice(1) : raw;
  if (!NAME_RE.test(name) || name.length > 253) {
    throw new InvalidArgumentError(`Invalid container name (${raw}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name;
}

const LEFT = ["admiring", "bold", "brave", "clever", "eager", "elegant", "focused", "gallant", "happy", "jolly", "keen", "lucid", "modest", "nifty", "quirky", "serene", "sharp", "stoic", "vibrant", "zealous"];
const RIGHT = ["babbage", "curie", "darwin", "einstein", "feynman", "goldberg", "hopper", "kepler", "lovelace", "mccarthy", "noether", "pascal", "ritchie", "shannon", "thompson", "turing", "wozniak", "yonath", "archimedes", "hypatia"];

export function generateName(isTaken: (n: string) => boolean): string {
  for (let i = 0; ; i++) {
    const b = randomBytes(2);
    let n = `${LEFT[b[0]! % LEFT.length]}_${RIGHT[b[1]! % RIGHT.length]}`;
    if (i > 5) n += String(b.readUInt16BE(0) % 1000);
    if (!isTaken(n)) return n;
  }
}
