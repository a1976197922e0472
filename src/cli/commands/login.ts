/**
 * `berth login [-u USER] [-p PASS | --password-stdin] [SERVER]`: POST /auth
 * {username,password,serveraddress} (11 transcript), then the credentials
 * are written to the docker config file's `auths` — the same file
 * `docker login` writes, so either CLI sees the other's logins.
 * No SERVER means Docker Hub ("https://index.docker.io/v1/").
 */
import { createInterface } from "node:readline";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";
import { authKey, configPath, convertToHostname, getCredentials, INDEX_SERVER, storeCredentials } from "../docker-config.js";

interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  stream.setEncoding("utf8");
  for await (const chunk of stream) text += chunk as string;
  return text;
}

/** One line from the terminal; `hidden` stops the echo (password prompt). */
async function prompt(ctx: CliContext, question: string, hidden: boolean): Promise<string> {
  const input = ctx.stdin as NodeJS.ReadStream;
  ctx.stdout.write(question);
  const rl = createInterface({ input, output: hidden ? undefined : ctx.stdout, terminal: Boolean(input.isTTY) && !hidden });
  const wasRaw = input.isRaw;
  if (hidden && input.isTTY) input.setRawMode?.(false);
  try {
    return await new Promise<string>((resolve) => rl.once("line", resolve));
  } finally {
    rl.close();
    if (hidden) ctx.stdout.write("\n");
    if (hidden && input.isTTY) input.setRawMode?.(wasRaw);
  }
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] [SERVER]")
    .argument("[server]")
    .option("-u, --username <string>", "Username")
    .option("-p, --password <string>", "Password or Personal Access Token (PAT)")
    .option("--password-stdin", "Take the Password or Personal Access Token (PAT) from stdin")
    .action(async (server: string | undefined, flags: LoginFlags) => {
      if (flags.password !== undefined) {
        ctx.stderr.write("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
        if (flags.passwordStdin) throw new CliError("--password and --password-stdin are mutually exclusive");
      }
      let password = flags.password;
      if (flags.passwordStdin) {
        if (!flags.username) throw new CliError("Must provide --username with --password-stdin");
        password = (await readAll(ctx.stdin)).replace(/\n$/, "").replace(/\r$/, "");
      }
      const key = authKey(server);
      const serveraddress = key === INDEX_SERVER ? INDEX_SERVER : convertToHostname(server!);
      const client = await ctx.client();

      let username = flags.username?.trim();
      if (!username && !password) {
        // Like docker: try what is stored before prompting.
        const stored = getCredentials(ctx.env, serveraddress);
        if (stored.username || stored.identitytoken) {
          ctx.stdout.write("Authenticating with existing credentials...\n");
          try {
            const res = await client.login({ ...stored, serveraddress });
            if (res.IdentityToken) storeCredentials(ctx.env, serveraddress, { ...stored, identitytoken: res.IdentityToken });
            ctx.stdout.write(`${res.Status || "Login Succeeded"}\n`);
            return;
          } catch (e) {
            ctx.stderr.write(`Login did not succeed, error: ${(e as Error).message}\n`);
          }
        }
      }
      if (!username || password === undefined) {
        if (!(ctx.stdin as NodeJS.ReadStream).isTTY) throw new CliError("Error: Cannot perform an interactive login from a non TTY device");
        if (!username) username = (await prompt(ctx, "Username: ", false)).trim();
        if (!username) throw new CliError("Error: Non-null Username Required");
        if (password === undefined) password = await prompt(ctx, "Password: ", true);
        if (!password) throw new CliError("Error: Password Required");
      }
      const res = await client.login({ username, password, serveraddress });
      storeCredentials(ctx.env, serveraddress, res.IdentityToken ? { username, identitytoken: res.IdentityToken } : { username, password });
      ctx.stderr.write(
        `\nWARNING! Your credentials are stored unencrypted in '${configPath(ctx.env)}'.\n` +
          "Configure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n",
      );
      ctx.stdout.write(`${res.Status || "Login Succeeded"}\n`);
    });
}
