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
import { DaemonError, type EngineClient } from "../client/index.js";
import type { CliContext } from "./context.js";
import { buildCreateRequest } from "./options/create-request.js";
import type { ContainerFlags } from "./options/container-flags.js";

export async function createContainer(
  ctx: CliContext,
  client: EngineClient,
  input: { flags: ContainerFlags; image: string; command: string[]; detach: boolean },
): Promise<{ id: string; body: ContainerCreateRequest }> {
  const body = buildCreateRequest({ ...input, env: ctx.env, readFile: (path) => readFileSync(path, "utf8") });
  try {
    const created = await client.createContainer(body, { name: input.flags.name, platform: input.flags.platform });
    for (const warning of created.Warnings ?? []) ctx.stderr.write(`WARNING: ${warning}\n`);
    return { id: created.Id, body };
  } catch (err) {
    // The docker CLI pulls and retries here; berth has no pull yet, so it reports and stops.
    if (err instanceof DaemonError && err.isNotFound && /no such image/i.test(err.message)) {
      ctx.stderr.write(`Unable to find image '${input.image}' locally\n`);
    }
    throw err;
  }
}

export interface AttachedRunOptions {
  stdin: boolean;
  tty: boolean;
  condition: WaitCondition;
  /** Forward SIGINT/SIGTERM to the container (docker's --sig-proxy, default on). */
  proxySignals: boolean;
}

/** Attaches, starts and waits; resolves with the container's exit status. */
export async function attachStartWait(ctx: CliContext, client: EngineClient, id: string, options: AttachedRunOptions): Promise<number> {
  const stream = await client.attach(id, { stdin: options.stdin, stdout: true, stderr: true, tty: options.tty });
  if (!options.stdin) stream.closeInput();
  const output = stream.pipeOutput(ctx.stdout, ctx.stderr);
  output.catch(() => undefined); // observed below; avoid an unhandled rejection if start fails first
  const pending = await client.beginWait(id, { condition: options.condition });
  try {
    await client.startContainer(id);
  } catch (err) {
    stream.destroy();
    pending.cancel();
    throw err;
  }
  if (options.stdin) stream.pipeInput(ctx.stdin).catch(() => stream.closeInput());
  const removeProxy = options.proxySignals ? proxySignals(client, id) : () => undefined;
  try {
    const [, result] = await Promise.all([output, pending.result]);
    if (result.Error?.Message) ctx.stderr.write(`${result.Error.Message}\n`);
    return result.StatusCode;
  } finally {
    removeProxy();
  }
}

function proxySignals(client: EngineClient, id: string): () => void {
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const).map((signal) => {
    const handler = () => void client.killContainer(id, { signal }).catch(() => undefined);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}
