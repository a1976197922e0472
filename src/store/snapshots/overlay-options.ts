/**
 * Overlay mount option strings, as pure functions.
 *
 * The kernel copies mount options into a single page (4096 bytes), and long
 * chains of absolute lowerdirs overflow it. Like Docker's overlay2, `mount`
 * runs with its cwd at layers/ and names each lower as "<hex>/diff", which
 * overlayfs resolves against the mounting process's cwd. Lowerdirs are listed
 * topmost first (overlayfs(5)); an empty chain uses the empty dir, since
 * overlay requires at least one lower.
 */
export interface OverlayDirs {
  /** Layer dirs, topmost first (relative to the mount's cwd, or absolute). */
  lowers: string[];
  upper: string;
  work: string;
}

export function overlayOptions(d: OverlayDirs): string[] {
  return [`lowerdir=${d.lowers.join(":")}`, `upperdir=${d.upper}`, `workdir=${d.work}`];
}

/**
 * The data string of mount(2) for `overlay`. `volatile` (Linux 5.10+): no sync of the
 * upper filesystem, neither on syncfs nor at unmount (which otherwise syncs all of it).
 */
export function overlayMountData(d: OverlayDirs, volatile = false): string {
  return [...overlayOptions(d), ...(volatile ? ["volatile"] : [])].join(",");
}
