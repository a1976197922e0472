/**
 * Mount opts: Docker's default filesystem layout inside a container
 * (moby oci/defaults.go DefaultLinuxSpec), then the engine's mounts
 * (volumes, binds, tmpfs, /etc/hosts …) in order. A user mount at the same
 * destination as a default replaces it (e.g. `--tmpfs /dev/shm`), as in Docker.
 *
 * /sys and the cgroup filesystem are read-only unless privileged. With a
 * read-only rootfs, Docker also makes every default mount read-only except the
 * ones a process needs to write (/dev, /dev/pts, /dev/shm, /dev/mqueue, /proc).
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { OciMount } from "./oci-spec.js";
import type { SpecOpt } from "./spec-opt.js";

export const SHM_SIZE_BYTES = 64 * 1024 * 1024;

export function defaultMounts(): OciMount[] {
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
    { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"] },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", `size=${SHM_SIZE_BYTES}`],
    },
  ];
}

const WRITABLE_WITH_READONLY_ROOT = new Set(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue"]);

export const withRoot: SpecOpt = (spec, input) => {
  spec.root = { path: input.rootfs, readonly: input.readonlyRootfs };
};

export const withDefaultMounts: SpecOpt = (spec, input) => {
  const userDestinations = new Set(input.mounts.map((m) => normalizeDestination(m.destination)));
  spec.mounts = defaultMounts().filter((m) => !userDestinations.has(m.destination));
  for (const m of spec.mounts) {
    if (input.privileged && (m.destination === "/sys" || m.destination === "/sys/fs/cgroup")) {
      m.options = m.options.filter((o) => o !== "ro");
    }
    if (input.readonlyRootfs && !WRITABLE_WITH_READONLY_ROOT.has(m.destination) && !m.options.includes("ro")) {
      m.options.push("ro");
    }
  }
};

export const withUserMounts: SpecOpt = (spec, input) => {
  for (const m of input.mounts) {
    spec.mounts.push({
      destination: normalizeDestination(m.destination),
      type: m.type,
      source: m.source,
      options: [...m.options],
    });
  }
};

function normalizeDestination(dest: string): string {
  if (!dest.startsWith("/")) throw new InvalidArgumentError(`invalid mount config: mount path must be absolute: ${dest}`);
  const trimmed = dest.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed.replace(/\/{2,}/g, "/");
}
