/**
 * argv for conmon 2.1 (`conmon --help`), after podman's
 * libpod/oci_conmon_linux.go createOCIContainer. Pure.
 *
 * What the flags make conmon do:
 *  - `-r RUNTIME --runtime-arg --root=…`: conmon runs
 *    `RUNTIME --root=… create --bundle B --pid-file P ID` (runtime args go
 *    before the subcommand, as global flags).
 *  - `-p`: the runtime writes the container's pid there; conmon also reports
 *    it (or the runtime's stderr) as JSON on the sync pipe (_OCI_SYNCPIPE).
 *  - `--conmon-pidfile`: pid of the daemonized conmon (not of the process we
 *    spawned: conmon double-forks and its first process exits at once).
 *  - `--exit-dir D`: at container exit conmon writes the exit code as decimal
 *    text, no newline, into D/<cid> (signals as 128+n, e.g. OOM kill → 137).
 *  - `-0 PERSIST`: conmon writes the same code to PERSIST/exit and creates
 *    PERSIST/oom when the kernel OOM-killed in the container's cgroup.
 *  - `-l k8s-file:PATH`: output log, lines `<RFC3339Nano> stdout|stderr F|P text`.
 *  - `--socket-dir-path S`: conmon symlinks S/<cuuid> → the bundle directory
 *    and listens on S/<cuuid>/attach (SOCK_SEQPACKET); the link keeps the
 *    path under sun_path's 108 bytes. It also makes `ctl` and `winsz` FIFOs
 *    in the bundle directory.
 *  - `-i`: container stdin is a pipe fed from attach clients; conmon closes it
 *    when the client disconnects (no --leave-stdin-open).
 */
export interface ConmonArgsInput {
  conmonPath: string;
  runtimePath: string;
  runtimeRoot: string;
  id: string;
  bundleDir: string;
  containerPidFile: string;
  conmonPidFile: string;
  exitDir: string;
  persistDir: string;
  logPath: string;
  socketDir: string;
  tty: boolean;
  openStdin: boolean;
  /** conmon's own verbosity (its messages go to the stderr we give it, and syslog). */
  logLevel?: "debug" | "info" | "warn" | "error";
  /** Runtime global flags beyond --root (e.g. --systemd-cgroup). */
  runtimeArgs?: string[];
}

export function conmonArgs(o: ConmonArgsInput): string[] {
  const argv = [
    o.conmonPath,
    "--api-version",
    "1",
    "-c",
    o.id,
    "-u",
    o.id,
    "-n",
    o.id,
    "-r",
    o.runtimePath,
    "--runtime-arg",
    `--root=${o.runtimeRoot}`,
  ];
  for (const a of o.runtimeArgs ?? []) argv.push("--runtime-arg", a);
  argv.push(
    "-b",
    o.bundleDir,
    "-p",
    o.containerPidFile,
    "--conmon-pidfile",
    o.conmonPidFile,
    "--exit-dir",
    o.exitDir,
    "-0",
    o.persistDir,
    "-l",
    `k8s-file:${o.logPath}`,
    "--socket-dir-path",
    o.socketDir,
    "--log-level",
    o.logLevel ?? "error",
  );
  // With a TTY, conmon's "stdin" is the pty master: closing it when an attach client
  // leaves (detach keys, a closed CLI) would hang up the terminal and the shell with it.
  if (o.tty) argv.push("-t", "--leave-stdin-open");
  if (o.openStdin) argv.push("-i");
  return argv;
}
