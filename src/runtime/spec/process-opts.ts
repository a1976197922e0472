/**
 * Process opts: what runs (args, env, cwd, user, terminal), with which
 * privileges (no_new_privs, oom_score_adj, rlimits), and --init.
 *
 * --init follows Docker: the host's tini is bind-mounted read-only at
 * /sbin/docker-init and the command becomes `/sbin/docker-init -- args…`,
 * so PID 1 reaps zombies and forwards signals. The static build is preferred
 * because the container's rootfs may have no libc.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { toOciRlimits } from "./rlimits.js";
import type { SpecOpt } from "./spec-opt.js";

export const INIT_PATH_IN_CONTAINER = "/sbin/docker-init";

export const withProcess: SpecOpt = (spec, input) => {
  if (input.args.length === 0) throw new InvalidArgumentError("no command specified");
  spec.process.args = [...input.args];
  spec.process.env = [...input.env];
  spec.process.cwd = input.cwd || "/";
  if (!spec.process.cwd.startsWith("/")) {
    throw new InvalidArgumentError(`the working directory '${input.cwd}' is invalid, it needs to be an absolute path`);
  }
  spec.process.terminal = input.tty;
  spec.process.user = {
    uid: input.user.uid,
    gid: input.user.gid,
    additionalGids: [...input.user.additionalGids],
  };
};

export const withSecurityBits: SpecOpt = (spec, input) => {
  spec.process.noNewPrivileges = input.noNewPrivileges;
  if (input.oomScoreAdj !== undefined) {
    if (input.oomScoreAdj < -1000 || input.oomScoreAdj > 1000) {
      throw new InvalidArgumentError(`Invalid value ${input.oomScoreAdj}, range for oom score adj is [-1000, 1000]`);
    }
    spec.process.oomScoreAdj = input.oomScoreAdj;
  }
};

export const withRlimits: SpecOpt = (spec, input, host) => {
  spec.process.rlimits = toOciRlimits(input.ulimits, host.hardLimits);
};

export const withInit: SpecOpt = (spec, input, host) => {
  if (!input.init) return;
  if (!host.initPath) throw new InvalidArgumentError("--init requested but no tini (docker-init) was found on the host");
  spec.mounts.push({
    destination: INIT_PATH_IN_CONTAINER,
    type: "bind",
    source: host.initPath,
    options: ["bind", "ro"],
  });
  spec.process.args = [INIT_PATH_IN_CONTAINER, "--", ...spec.process.args];
};
