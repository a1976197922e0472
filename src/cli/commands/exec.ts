/**
 * `berth exec [-d] [-i] [-t] [-e K=V] [--env-file F] [-w DIR] [-u USER] [--privileged] [--detach-keys K] CONTAINER CMD...`
 * The docker CLI's exec.go: create the exec, then either start it detached or
 * start it hijacked, stream until the output ends, and exit with the
 * ExitCode that GET /exec/{id}/json reports (126/127 when the daemon could
 * not run the command).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, ContainerExit } from "../exit-codes.js";
import { parseEnvEntry, parseEnvFile } from "../options/parsers.js";
import type { EngineClient, ExecCreateRequest } from "../../client/index.js";
import { AttachedSession } from "../tty/attached-session.js";
import { checkTty, consoleSize } from "../tty/check-tty.js";

export interface ExecFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  envFile: string[];
  workdir?: string;
  user?: string;
  privileged?: boolean;
  detachKeys?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Flags → the exec create body (pure, for tests). */
export function buildExecRequest(
  flags: ExecFlags,
  command: string[],
  input: { env: NodeJS.ProcessEnv; readFile: (path: string) => string; consoleSize?: [number, number] },
): ExecCreateRequest {
  const env = [...flags.envFile.flatMap((file) => parseEnvFile(input.readFile(file), input.env)), ...flags.env.map((e) => parseEnvEntry(e, input.env))];
  const attached = !flags.detach;
  const body: ExecCreateRequest = {
    User: flags.user ?? "",
    Privileged: Boolean(flags.privileged),
    Tty: Boolean(flags.tty),
    AttachStdin: attached && Boolean(flags.interactive),
    AttachStdout: attached,
    AttachStderr: attached,
    Env: env.length > 0 ? env : null,
    WorkingDir: flags.workdir ?? "",
    Cmd: command,
  };
  if (flags.detachKeys) body.DetachKeys = flags.detachKeys;
  if (flags.tty && input.consoleSize) body.ConsoleSize = input.consoleSize;
  return body;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] CONTAINER COMMAND [ARG...]")
    .argument("<container>")
    .argument("<command...>")
    .option("-d, --detach", "Detached mode: run command in the background")
    .option("--detach-keys <string>", "Override the key sequence for detaching a container")
    .option("-e, --env <list>", "Set environment variables", collect, [])
    .option("--env-file <file>", "Read in a file of environment variables", collect, [])
    .option("-i, --interactive", "Keep STDIN open even if not attached")
    .option("--privileged", "Give extended privileges to the command")
    .option("-t, --tty", "Allocate a pseudo-TTY")
    .option("-u, --user <string>", "Username or UID (format: \"<name|uid>[:<group|gid>]\")")
    .option("-w, --workdir <string>", "Working directory inside the container")
    .passThroughOptions()
    .action(async (container: string, command: string[], flags: ExecFlags) => {
      if (!flags.detach) checkTty(ctx, { attachStdin: Boolean(flags.interactive), tty: Boolean(flags.tty) });
      const body = buildExecRequest(flags, command, { env: ctx.env, readFile: (p) => readFileSync(p, "utf8"), consoleSize: consoleSize(ctx) });
      const client = await ctx.client();
      const { Id: execId } = await client.exec.create(container, body);
      if (flags.detach) {
        await client.exec.startDetached(execId, { tty: body.Tty });
        return;
      }
      const status = await runAttached(ctx, client, execId, body);
      if (status !== 0) throw new ContainerExit(status);
    });
}

async function runAttached(ctx: CliContext, client: EngineClient, execId: string, body: ExecCreateRequest): Promise<number> {
  const tty = Boolean(body.Tty);
  const stream = await client.exec.startAttached(execId, { tty, consoleSize: body.ConsoleSize ?? undefined });
  const session = new AttachedSession(ctx, stream, { tty, stdin: Boolean(body.AttachStdin), detachKeys: body.DetachKeys });
  try {
    session.startInput();
    session.followSize((size) => client.exec.resize(execId, size));
    if ((await session.wait()) === "detached") return 0;
  } finally {
    session.close();
  }
  // The output can end a moment before the daemon records the exit code.
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await client.exec.inspect(execId);
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new CliError(`exec ${execId}: no exit code reported`);
}
