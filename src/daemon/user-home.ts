/**
 * HOME for a container process, as Docker sets it: the passwd entry's home
 * for the uid, "/" when the uid has no entry (and "/root" for root without
 * a passwd file). The file is read through the container's root.
 */
import { readRootFileSync } from "../runtime/spec/user.js";

export async function homeOf(rootfs: string, uid: number): Promise<string> {
  // synchronous, as resolveUser's reads (runtime/spec/user.ts says why); missing or odd → no entries
  let text = "";
  try {
    text = readRootFileSync(rootfs, "/etc/passwd") ?? "";
  } catch {
    /* unreadable passwd file */
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length >= 6 && Number(f[2]) === uid && f[2] !== "") return f[5] || "/";
  }
  return uid === 0 ? "/root" : "/";
}
