/**
 * Resolving a path *inside* a container's root filesystem from the host.
 *
 * A container's files are untrusted: `/data -> /` inside the container must
 * mean the container's root, never the host's. secureJoin walks the path one
 * component at a time with lstat and resolves every symlink relative to the
 * root (as filepath-securejoin does for runc), so the result always lies
 * under root. There is a window between resolution and use (TOCTOU) when the
 * container runs; callers use it on stopped or not-yet-started containers.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { InvalidArgumentError } from "../errors/index.js";

const MAX_LINKS = 255;

export async function secureJoin(root: string, unsafePath: string): Promise<string> {
  const pending = unsafePath.split("/").filter((c) => c !== "" && c !== ".");
  const resolved: string[] = [];
  let links = 0;
  while (pending.length) {
    const comp = pending.shift()!;
    if (comp === "..") {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, comp);
    let st;
    try {
      st = await fs.lstat(candidate);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        resolved.push(comp, ...pending.filter((c) => c !== ".."));
        // a missing component: the rest cannot be links yet; `..` after it is dropped conservatively
        return path.join(root, ...resolved);
      }
      throw e;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new InvalidArgumentError(`too many levels of symbolic links in ${unsafePath}`);
      const target = await fs.readlink(candidate);
      if (target.startsWith("/")) resolved.length = 0;
      pending.unshift(...target.split("/").filter((c) => c !== "" && c !== "."));
      continue;
    }
    resolved.push(comp);
  }
  return path.join(root, ...resolved);
}

/** mkdir -p of a container path, every component resolved inside root. Returns the host path. */
export async function mkdirInRoot(root: string, unsafePath: string, mode = 0o755): Promise<string> {
  const target = await secureJoin(root, unsafePath);
  await fs.mkdir(target, { recursive: true, mode });
  // re-check: a component created concurrently as a symlink would have been followed by mkdir
  const again = await secureJoin(root, unsafePath);
  if (again !== target) throw new InvalidArgumentError(`path ${unsafePath} changed while it was being created`);
  return target;
}
