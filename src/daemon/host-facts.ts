/** Facts about the host that /info reports. */
import { promises as fs } from "node:fs";

/** "2" when /sys/fs/cgroup is the unified hierarchy itself, "1" on legacy and hybrid layouts. */
export async function cgroupVersion(): Promise<"1" | "2"> {
  try {
    await fs.access("/sys/fs/cgroup/cgroup.controllers");
    return "2";
  } catch {
    return "1";
  }
}
