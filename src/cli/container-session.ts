/**
 * The create → attach → wait → start choreography of `docker run` and
 * `docker start -a` (02-run-rm.txt; transcripts README, fact 8):
 *   1. create; a 404 means the image is missing ("Unable to find image … locally");
 *   2. attach (hijacked) *before* start so no output is lost; without stdin,
 *      half-close at once (02: FIN right after the upgrade);
 *   3. wait with condition next-exit, or removed under --rm, armed before start
 *      so an auto-removed container cannot slip past it;
 *   4. start; the wait's StatusCode becomes our exit status.
 */
import { readFileSync } from "node:fs";
import type { ContainerCreateRequest, WaitCondition } from "../apitypes/index.js";
import { DaemonError, type EngineClient, type PendingWait } from "../client/index.js";
import type { CliContext } from "./context.js";
import { buildCreateRequest } from "./options/create-request.js";
import type { ContainerFlags } from "./options/container-flags.js";
import { AttachedSession } from "./tty/attached-session.js";
import { ProgressRenderer } from "./format/progress.js";
import { credentialsFor, parseRemoteRef } from "./registry-ref.js";

export async function createContainer(
  ctx: CliContext,
  client: EngineClient,
  input: { flags: ContainerFlags; image: string; command: string[]; detach: boolean; consoleSize?: [number, number] },
): Promise<{ id: string; body: ContainerCreateRequest }> {
  const body = buildCreateRequest({ ...input, env: ctx.env, readFile: (path) => readFileSync(path, "utf8") });
  const create = async () => {
    const created = await client.createContainer(body, { name: input.flags.name, platform: input.flags.platform });
    for (const warning of created.Warnings ?? []) ctx.stderr.write(`WARNING: ${warning}\n`);
    return { id: created.Id, body };
  };
  try {
    return await create();
  } catch (err) {
    // As the docker CLI does: a missing image is pulled (progress on stderr), then create is retried.
    if (!(err instanceof DaemonError && err.isNotFound && /no such image/i.test(err.message))) throw err;
    ctx.stderr.write(`Unable to find image '${input.image}' locally\n`);
    const parsed = parseRemoteRef(input.image);
    const s = ctx.stderr as { isTTY?: boolean; columns?: number };
    const renderer = new ProgressRenderer({ out: ctx.stderr, tty: Boolean(s.isTTY), columns: s.columns });
    await client.pullImage(parsed.familiar, {
      tag: parsed.ref.digest ?? parsed.ref.tag,
      platform: input.flags.platform,
      auth: credentialsFor(ctx, parsed.host),
      onProgress: (m) => renderer.write(m),
    });
    return await create();
  }
}

export interface AttachedRunOptions {
  stdin: boolean;
  tty: boolean;
  condition: WaitCondition;
  /** Forward SIGINT/SIGTERM (and WINCH) to the container (docker's --sig-proxy, default on). */
  proxySignals: boolean;
  detachKeys?: string;
}

/**
 * Attaches, starts and waits; resolves with the container's exit status, or
 * undefined when the user detached with the detach keys (exit 0, the
 * container keeps running, the wait is dropped).
 */
export async function attachStartWait(ctx: CliContext, client: EngineClient, id: string, options: AttachedRunOptions): Promise<number | undefined> {
  const stream = await client.attach(id, { stdin: options.stdin, stdout: true, stderr: true, tty: options.tty, detachKeys: options.detachKeys });
  const session = new AttachedSession(ctx, stream, { tty: options.tty, stdin: options.stdin, detachKeys: options.detachKeys });
  let pending: PendingWait | undefined;
  let removeProxy = () => undefined as void;
  try {
    pending = await client.beginWait(id, { condition: options.condition });
    try {
      await client.startContainer(id, { detachKeys: options.detachKeys });
    } catch (err) {
      stream.destroy();
      pending.cancel();
      throw err;
    }
    session.startInput();
    session.followSize((size) => client.containerOps.resize(id, size));
    removeProxy = options.proxySignals ? proxySignals(client, id, options.tty) : removeProxy;
    if ((await session.wait()) === "detached") {
      pending.cancel();
      return undefined;
    }
    const result = await pending.result;
    if (result.Error?.Message) ctx.stderr.write(`${result.Error.Message}\n`);
    return result.StatusCode;
  } finally {
    removeProxy();
    session.close();
  }
}

/** Streams to an already running container (`berth attach`, `start -a` of a running one): no start, no wait armed first. */
export async function attachRunning(
  ctx: CliContext,
  client: EngineClient,
  id: string,
  options: { stdin: boolean; tty: boolean; proxySignals: boolean; detachKeys?: string },
): Promise<number | undefined> {
  const stream = await client.attach(id, { stdin: options.stdin, stdout: true, stderr: true, tty: options.tty, detachKeys: options.detachKeys });
  const session = new AttachedSession(ctx, stream, options);
  const removeProxy = options.proxySignals ? proxySignals(client, id, options.tty) : () => undefined;
  try {
    session.startInput();
    session.followSize((size) => client.containerOps.resize(id, size));
    if ((await session.wait()) === "detached") return undefined;
    // The stream ended: the container stopped (or is restarting). Its status is the exit code.
    const result = await client.wait(id, { condition: "not-running" }).catch(() => undefined);
    return result?.StatusCode ?? (await client.inspectContainer(id)).State.ExitCode;
  } finally {
    removeProxy();
    session.close();
  }
}

function proxySignals(client: EngineClient, id: string, tty: boolean): () => void {
  // With a TTY the docker CLI forwards WINCH too (04-run-tty.txt: kill?signal=WINCH next to the resize).
  const signals = tty ? (["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGWINCH"] as const) : (["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const);
  const handlers = signals.map((signal) => {
    const handler = () => void client.killContainer(id, { signal: signal.slice(3) }).catch(() => undefined);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}
