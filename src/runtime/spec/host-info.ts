/**
 * readHostInfo: the host facts buildSpec needs, read once at driver start.
 * Everything else in spec/ is pure.
 *  - hard rlimits of this process (/proc/self/limits): containers never exceed them;
 *  - a tini for --init (static build first: the rootfs may lack a libc);
 *  - cap_last_cap, so privileged asks for no capability the kernel lacks;
 *  - swap accounting: on cgroup v1 only when memory.memsw.* exists
 *    (swapaccount=1), on v2 when the kernel has memory.swap.max;
 *  - host devices for privileged containers (walk /dev like moby's
 *    devices.HostDevices, skipping /dev/pts, shm, mqueue and console).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { HostInfo, OciDevice } from "./oci-spec.js";
import { parseHardLimits } from "./rlimits.js";

const INIT_CANDIDATES = ["/usr/bin/tini-static", "/usr/bin/docker-init", "/usr/bin/tini", "/usr/local/bin/tini"];

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

export async function readHostInfo(): Promise<HostInfo> {
  const hardLimits = parseHardLimits(await fs.readFile("/proc/self/limits", "utf8"));
  let initPath: string | undefined;
  for (const c of INIT_CANDIDATES) {
    if (await exists(c)) {
      initPath = c;
      break;
    }
  }
  const lastCapText = await fs.readFile("/proc/sys/kernel/cap_last_cap", "utf8").catch(() => undefined);
  const lastCap = lastCapText === undefined ? undefined : Number(lastCapText.trim());
  const swapSupported =
    (await exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")) ||
    ((await exists("/sys/fs/cgroup/cgroup.controllers")) && (await exists("/proc/swaps")));
  // The bounding set berthd itself has: a container can never get more (here root lacks
  // CAP_SYS_RESOURCE, and runc fails "unable to apply caps" when asked for it).
  const status = await fs.readFile("/proc/self/status", "utf8").catch(() => "");
  const bnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  const boundingSet = bnd === undefined ? undefined : BigInt("0x" + bnd);
  const oomControl = await fs.access("/sys/fs/cgroup/memory/memory.oom_control").then(() => true, () => false);
  return { hardLimits, initPath, lastCap, boundingSet, swapSupported, oomControl, hostDevices: await listHostDevices("/dev") };
}

const SKIP_DIRS = new Set(["/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/.lxc", "/dev/.udev"]);

async function listHostDevices(dir: string): Promise<OciDevice[]> {
  const out: OciDevice[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(p)) out.push(...(await listHostDevices(p)));
      continue;
    }
    if (p === "/dev/console" || !(e.isCharacterDevice() || e.isBlockDevice())) continue;
    const st = await fs.lstat(p).catch(() => undefined);
    if (!st) continue;
    // st.rdev packs major/minor the glibc way (gnu_dev_major/minor).
    const major = Number((BigInt(st.rdev) >> 8n) & 0xfffn) | Number((BigInt(st.rdev) >> 32n) & ~0xfffn);
    const minor = Number(BigInt(st.rdev) & 0xffn) | Number((BigInt(st.rdev) >> 12n) & ~0xffn);
    out.push({ path: p, type: e.isCharacterDevice() ? "c" : "b", major, minor, fileMode: st.mode & 0o777, uid: st.uid, gid: st.gid });
  }
  return out;
}
