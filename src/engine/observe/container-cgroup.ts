/**
 * Where a running container's cgroup is, and the host facts observers need.
 *
 * berth gives runc cgroupsPath "/<cgroupParent>/<id>", but the truth is what
 * the kernel reports for the container's init in /proc/<pid>/cgroup (it stays
 * right if the parent changes between daemon runs or a runtime nests it). The
 * v2 line is "0::<path>"; on v1/hybrid hosts the memory controller's line is
 * used (the "0::" line there names the unified hierarchy, which holds no
 * controllers). The cgroup layout is detected once per daemon.
 */
import { promises as fs } from "node:fs";
import { CgroupLayout } from "../../sys/cgroups/cgroup-reader.js";
import { parseProcCgroup } from "../../sys/cgroups/parse.js";

/** Bound on remembered paths (entries of removed containers are dropped wholesale past it). */
const MAX_REMEMBERED = 4096;

export class ContainerCgroups {
  private layoutP?: Promise<CgroupLayout>;
  private readonly paths = new Map<string, { pid: number; path: string }>();

  constructor(private readonly cgroupParent: string, private readonly sysRoot = "/sys/fs/cgroup") {}

  layout(): Promise<CgroupLayout> {
    this.layoutP ??= CgroupLayout.detect(this.sysRoot);
    return this.layoutP;
  }

  /**
   * The cgroup path of container `id` whose init is `pid`, relative to the
   * hierarchy root. Remembered per (id, pid): a process' cgroup is fixed
   * once runc has placed it, and docker stats asks for every container at once.
   */
  async pathOf(id: string, pid: number): Promise<string> {
    const known = this.paths.get(id);
    if (known?.pid === pid) return known.path;
    const layout = await this.layout();
    const text = await fs.readFile(`/proc/${pid}/cgroup`, "utf8").catch(() => "");
    const byCtl = parseProcCgroup(text);
    const found = layout.version === 2 ? byCtl[""] : (byCtl["memory"] ?? byCtl["pids"]);
    const cgPath = found && found !== "/" ? found : `/${this.cgroupParent.replace(/^\/+/, "")}/${id}`;
    // only what /proc said is remembered (the fallback may be a guess for a process that just exited)
    if (found && found !== "/") {
      if (this.paths.size >= MAX_REMEMBERED) this.paths.clear();
      this.paths.set(id, { pid, path: cgPath });
    }
    return cgPath;
  }
}
