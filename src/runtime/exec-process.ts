/**
 * `docker exec` without a TTY (with one: exec-tty.ts, chosen here when the
 * request has `tty: true`): `<runtime> exec --process spec.json ID` with
 * its stdio piped to berthd. The runtime joins the container's namespaces and
 * cgroup, execs the process, and exits with its exit code. The process spec
 * starts from the container's own (so an exec gets the same capabilities,
 * rlimits, no-new-privileges and apparmor/seccomp as the container), then the
 * request's args, env, cwd and user replace those. Unlike the container's
 * main process, an exec session lives only as long as berthd: Docker's exec
 * sessions do not survive a daemon restart either.
 */
import { mkdirSync, promises as fs, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { spawnAttached } from "../sys/spawn-detached.js";
import { createFailureCode, runtimeLogMessage } from "./create-error.js";
import type { CreateOptions, ExecProcess, ExecRequest } from "./runtime-driver.js";
import { runtimeArgs, type RuntimeCli } from "./runtime-args.js";
import { startTtyExec, type TtyExecRequest } from "./exec-tty.js";
import { computeCapabilities } from "./spec/capability-opts.js";
import type { HostInfo, OciProcess, OciSpec } from "./spec/oci-spec.js";

export function execProcessSpec(base: OciProcess, req: ExecRequest, host: HostInfo): OciProcess {
  const proc: OciProcess = {
    ...base,
    terminal: false,
    args: req.args,
    env: req.env,
    cwd: req.cwd || base.cwd || "/",
    user: { uid: req.user.uid, gid: req.user.gid, additionalGids: req.user.additionalGids },
  };
  if (req.privileged) {
    const caps = computeCapabilities({ capAdd: [], capDrop: [], privileged: true, lastCap: host.lastCap, boundingSet: host.boundingSet });
    proc.capabilities = { bounding: caps, effective: [...caps], permitted: [...caps], inheritable: [], ambient: [] };
  }
  return proc;
}

export async function startExec(cli: RuntimeCli, opts: CreateOptions, req: ExecRequest, host: HostInfo): Promise<ExecProcess> {
  // with a terminal conmon holds the pty (exec-tty.ts)
  if ((req as TtyExecRequest).tty) return startTtyExec(cli, opts, req, host);
  // The bundle's files are small and local (the exec root), and this is the latency of every
  // `docker exec`: synchronous calls cost microseconds where each thread-pool round trip costs
  // milliseconds on a loaded host. The process file is a plain exclusive write, not
  // writeJsonAtomic: it lives only until runc has read it, and an exec session does not survive
  // berthd, so there is nothing to make durable.
  const dir = path.join(opts.bundleDir, "exec");
  const spec = JSON.parse(readFileSync(path.join(opts.bundleDir, "config.json"), "utf8")) as OciSpec;
  mkdirSync(dir, { recursive: true });
  const tag = randomBytes(6).toString("hex");
  const processFile = path.join(dir, `${tag}.json`);
  const pidFile = path.join(dir, `${tag}.pid`);
  writeFileSync(processFile, JSON.stringify(execProcessSpec(spec.process, req, host)), { flag: "wx", mode: 0o600 });
  const child = await spawnAttached(runtimeArgs.exec(cli, opts.id, processFile, pidFile));
  // runc's own error (the command cannot be started) arrives on the same stderr as the
  // process' output; keep its head to tell "not found" (127) from "not executable" (126).
  const stderr = new PassThrough();
  let head = "";
  child.stderr.on("data", (b: Buffer) => {
    if (head.length < 4096) head += b.toString();
  });
  child.stderr.pipe(stderr);
  const exited = child.exited.then(async (code) => {
    // exit 0 means the process ran; otherwise the pid file tells a process' own failure from runc's
    const started = code === 0 || (await fs.access(pidFile).then(() => true, () => false));
    // the files go in the background: the exit code need not wait for them
    void Promise.all([fs.rm(processFile, { force: true }), fs.rm(pidFile, { force: true })]).catch(() => {});
    if (!started) {
      const c = createFailureCode(runtimeLogMessage(head));
      return c === 125 ? 126 : c;
    }
    return code ?? 128 + 9;
  });
  return { pid: child.pid, stdin: child.stdin, stdout: child.stdout, stderr, exited, kill: (s) => child.kill(s) };
}
