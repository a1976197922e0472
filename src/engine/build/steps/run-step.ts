/**
 * RUN: a real container through the engine's own container service (same
 * runtime driver, conmon, log and overlay snapshot as `docker run`), made
 * from the current step's image with the stage's env (+ build args), user
 * and workdir; its output is streamed to the build as it is written; its
 * upper dir's changes (step-layer.ts, without the runtime's mount points)
 * become the step's layer. The container is removed afterwards (always on
 * success; on failure too, unless the caller keeps it).
 */
import { attachOutput } from "../../containers/attach.js";
import { RUNTIME_MOUNT_POINTS } from "../../containers/archive/mount-points.js";
import type { ContainerConfig, HostConfigSpec } from "../../containers/types.js";
import type { Image } from "../../images/image-service.js";
import { BerthError } from "../../../errors/index.js";
import type { BuildDeps } from "../build-deps.js";
import { lowerDirsOf, timer } from "./fs-step.js";
import { changedPaths, dropMountPoints, packChanges } from "./step-layer.js";
import type { Readable } from "node:stream";

/** A RUN whose command exited non-zero: the build's error line carries `code` (and the CLI exits with it). */
export class RunStepFailedError extends BerthError {
  constructor(
    readonly command: string,
    readonly code: number,
  ) {
    super(`The command '${command}' returned a non-zero code: ${code}`);
  }
}

const MASKED = new Set(RUNTIME_MOUNT_POINTS.map((m) => m.slice(1)));

function buildHostConfig(networkMode: string): HostConfigSpec {
  return {
    binds: null, mounts: [], autoRemove: false, readonlyRootfs: false, memory: 0, memorySwap: 0, nanoCpus: 0, cpuShares: 0, cpuQuota: 0, cpuPeriod: 0,
    pidsLimit: 0, capAdd: null, capDrop: null, privileged: false, networkMode, init: null, ulimits: [], securityOpt: null,
    restartPolicy: { name: "", maximumRetryCount: 0 }, oomScoreAdj: 0, shmSize: 0, runtime: "", extraHosts: null, dns: [],
    logConfig: { type: "json-file", config: {} },
  };
}

export interface RunStepInput {
  image: Image;
  argv: string[];
  env: string[];
  user: string;
  workingDir: string;
  networkMode: string;
  /** Called with the new container before it starts: marks it for the build's shared network sandbox. */
  shareSandbox?: (containerId: string) => void;
  /** Shown in the error when the command fails (Docker: the argv joined with spaces). */
  commandText: string;
  removeOnFailure: boolean;
  /**
   * Receives the removal of a container whose step succeeded instead of
   * waiting for it: the next step does not need it gone (the build waits for
   * every removal before it ends).
   */
  deferRemoval?: (removal: Promise<void>) => void;
  onOutput(text: string): void;
  onStarted(containerId: string): void;
  signal?: AbortSignal;
}

/** Runs the step; `commit` receives the layer (undefined = no change) while the container still exists. */
export async function runStep<T>(d: BuildDeps, o: RunStepInput, commit: (layer: Readable | undefined, snapshotKey: string) => Promise<T>): Promise<T> {
  const config: ContainerConfig = {
    hostname: "", domainname: "", user: o.user, attachStdin: false, attachStdout: true, attachStderr: true, tty: false, openStdin: false, stdinOnce: false,
    env: o.env, cmd: [], entrypoint: o.argv, image: o.image.id, workingDir: o.workingDir, labels: {}, exposedPorts: {}, volumes: null,
  };
  const tm = timer(d);
  const { id } = await d.containers.create({ config, hostConfig: buildHostConfig(o.networkMode) });
  tm("run: create");
  o.shareSandbox?.(id);
  let ok = false;
  try {
    o.onStarted(id);
    const abort = new AbortController();
    const onAbort = () => void d.containers.kill(id, "SIGKILL").catch(() => {});
    o.signal?.addEventListener("abort", onAbort);
    try {
      const output = (async () => {
        for await (const e of attachOutput(d.containers, id, { stdout: true, stderr: true, logs: false, stream: true, signal: abort.signal })) o.onOutput(e.data.toString("utf8"));
      })();
      try {
        await d.containers.start(id);
      } catch (e) {
        abort.abort();
        await output.catch(() => {});
        throw e;
      }
      tm("run: start");
      const { statusCode } = await d.containers.wait(id, "not-running", o.signal);
      tm("run: wait");
      await output.catch(() => {});
      if (statusCode !== 0) throw new RunStepFailedError(o.commandText, statusCode);
    } finally {
      o.signal?.removeEventListener("abort", onAbort);
    }
    const upper = d.layers.upperDir(id);
    const changes = await changedPaths(upper, await lowerDirsOf(d, o.image.topChainId), MASKED);
    tm("run: changes");
    await dropMountPoints(upper, MASKED);
    const result = await commit(changes.keep.size > 0 ? packChanges(upper, changes) : undefined, id);
    tm("run: commit");
    ok = true;
    return result;
  } finally {
    if (ok || o.removeOnFailure) {
      const removal = d.containers.remove(id, { force: true }).catch((e) => d.log?.(`build: remove container ${id}: ${e}`));
      if (ok && o.deferRemoval) o.deferRemoval(removal);
      else await removal;
    }
    tm("run: remove");
  }
}
