/**
 * Mountedness from /proc/self/mountinfo (proc(5)): field 5 is the mount
 * point, with space, tab, newline and backslash written as octal escapes.
 * A path is "mounted" when some line's mount point equals it exactly, which
 * is what unmount and idempotent mount need (not "is inside a mount").
 */
import { promises as fs } from "node:fs";
import path from "node:path";

function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

export function parseMountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split("\n")) {
    const fields = line.split(" ");
    if (fields.length > 4) out.push(unescapeMountField(fields[4]!));
  }
  return out;
}

export async function isMountPoint(target: string): Promise<boolean> {
  const abs = path.resolve(target);
  const info = await fs.readFile("/proc/self/mountinfo", "utf8");
  return parseMountPoints(info).includes(abs);
}
