/**
 * Copies a directory's contents into another directory with everything kept:
 * owners, modes, times, hardlinks, symlinks (never followed), device nodes
 * and extended attributes. GNU cp -a does exactly this and is on every host
 * berth runs on; the source is a path the caller has already resolved inside
 * a container's root (secureJoin), and cp -a never dereferences the links it
 * copies.
 */
import { run } from "./exec.js";

export async function copyTreeContents(srcDir: string, dstDir: string): Promise<void> {
  await run(["cp", "-a", "--", `${srcDir}/.`, dstDir]);
}
