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
import { promises as fs } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { writeJsonAtomic } from "../durable/atomic-file.js";
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
  const spec = JSON.parse(await fs.readFile(path.join(opts.bundleDir, "config.json"), "utf8")) as OciSpec;
  const dir = path.join(opts.bundleDir, "exec");
  await fs.mkdir(dir, { recursive: true });
  const tag = randomBytes(6).toString("hex");
  const processFile = path.join(dir, `${tag}.json`);
  const pidFile = path.join(dir, `${tag}.pid`);
  await writeJsonAtomic(processFile, execProcessSpec(spec.process, req, host));
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
    const started = await fs.access(pidFile).then(() => true, () => false);
    await fs.rm(processFile, { force: true });
    await fs.rm(pidFile, { force: true });
    if (!started) {
      const c = createFailureCode(runtimeLogMessage(head));
      return c === 125 ? 126 : c;
    }
    return code ?? 128 + 9;
  });
  return { pid: child.pid, stdin: child.stdin, stdout: child.stdout, stderr, exited, kill: (s) => child.kill(s) };
}
