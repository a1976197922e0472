/**
 * HOME for a container process, as Docker sets it: the passwd entry's home
 * for the uid, "/" when the uid has no entry (and "/root" for root without
 * a passwd file). The file is read through the container's root.
 */
import { promises as fs } from "node:fs";
import { secureJoin } from "../sys/secure-join.js";

export async function homeOf(rootfs: string, uid: number): Promise<string> {
  let text = "";
  try {
    const p = await secureJoin(rootfs, "/etc/passwd");
    const st = await fs.stat(p);
    if (st.isFile() && st.size < 4 * 1024 * 1024) text = await fs.readFile(p, "utf8");
  } catch {
    /* no passwd file */
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length >= 6 && Number(f[2]) === uid && f[2] !== "") return f[5] || "/";
  }
  return uid === 0 ? "/root" : "/";
}
