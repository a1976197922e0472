/**
 * `berth registry serve` and `berth registry gc` (one module, chosen by the
 * command table's preset {action}).
 *
 * serve: runs an OCI distribution registry in the foreground until SIGTERM or
 * SIGINT, then stops accepting, lets requests in flight finish and exits 0.
 *   --root DIR  --addr HOST:PORT (":5000" = all interfaces)  --tls-cert F --tls-key F
 *   --read-only  --htpasswd FILE (bcrypt / {SHA} / $apr1$)  --auth basic|token  --policy FILE (JSON list of rules, see
 *   src/registry/server/access.ts)
 * gc: offline garbage collection of the root (refuses while a server holds it).
 *   --root DIR  --dry-run
 */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CliContext } from "../context.js";
import { InvalidArgumentError } from "../../errors/index.js";

function defaultRoot(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return "/var/lib/berth/registry";
  return path.join(env["XDG_DATA_HOME"] ?? path.join(os.homedir(), ".local", "share"), "berth", "registry");
}

export function parseAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new InvalidArgumentError(`invalid --addr ${JSON.stringify(addr)}: want HOST:PORT`);
  const port = Number(m[3]);
  if (port > 65535) throw new InvalidArgumentError(`invalid port in --addr ${addr}`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

interface ServeFlags {
  root?: string;
  addr: string;
  tlsCert?: string;
  tlsKey?: string;
  readOnly?: boolean;
  htpasswd?: string;
  policy?: string;
  auth?: string;
  tokenService?: string;
}

async function serve(flags: ServeFlags, ctx: CliContext): Promise<void> {
  const { startRegistry } = await import("../../registry/server/serve.js");
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new InvalidArgumentError("--tls-cert and --tls-key go together");
  const { host, port } = parseAddr(flags.addr);
  const root = path.resolve(flags.root ?? defaultRoot(ctx.env));
  const policy = flags.policy ? JSON.parse(readFileSync(flags.policy, "utf8")) : undefined;
  if (policy !== undefined && !Array.isArray(policy)) throw new InvalidArgumentError("--policy file must hold a JSON array of rules");
  const reg = await startRegistry({
    root,
    host,
    port,
    tls: flags.tlsCert && flags.tlsKey ? { cert: flags.tlsCert, key: flags.tlsKey } : undefined,
    readOnly: flags.readOnly,
    htpasswd: flags.htpasswd,
    policy,
    auth: authMode(flags),
    tokenService: flags.tokenService,
  });
  ctx.stdout.write(`berth registry listening on ${reg.url} (root ${root}${flags.readOnly ? ", read-only" : ""})\n`);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  ctx.stderr.write(`berth registry: ${signal}, shutting down\n`);
  await reg.close();
}

function authMode(flags: ServeFlags): "basic" | "token" | undefined {
  if (flags.auth === undefined) return undefined;
  if (flags.auth !== "basic" && flags.auth !== "token") throw new InvalidArgumentError(`--auth must be basic or token, not ${JSON.stringify(flags.auth)}`);
  if (!flags.htpasswd) throw new InvalidArgumentError("--auth needs --htpasswd: the users who may log in");
  return flags.auth;
}

/** "90s", "10m", "1h", "0" → milliseconds. */
function parseGrace(v: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new InvalidArgumentError(`invalid --grace ${JSON.stringify(v)}: use e.g. 0, 90s, 10m, 1h`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[m[2] ?? "s"]!;
}

async function gc(flags: { root?: string; dryRun?: boolean; grace?: string }, ctx: CliContext): Promise<void> {
  const { collectGarbage } = await import("../../registry/server/gc.js");
  const root = path.resolve(flags.root ?? defaultRoot(ctx.env));
  const graceMs = flags.grace === undefined ? undefined : parseGrace(flags.grace);
  const r = await collectGarbage(root, { dryRun: flags.dryRun, graceMs, log: (line) => ctx.stdout.write(line + "\n") });
  ctx.stdout.write(`${r.marked} blobs in use, ${r.deleted.length} ${flags.dryRun ? "to delete" : "deleted"} (${r.bytesFreed} bytes), ${r.linksRemoved} links removed\n`);
}

export function define(cmd: Command, ctx: CliContext, preset?: Record<string, string>): void {
  if (preset?.["action"] === "gc") {
    cmd
      .option("--root <dir>", "Registry storage root")
      .option("--dry-run", "Only list what would be deleted")
      .option("--grace <duration>", "Keep unreferenced blobs younger than this (default 1h while a server runs, 0 offline)")
      .action((flags: { root?: string; dryRun?: boolean; grace?: string }) => gc(flags, ctx));
    return;
  }
  cmd
    .option("--root <dir>", "Registry storage root")
    .option("--addr <host:port>", "Address to listen on", "127.0.0.1:5000")
    .option("--tls-cert <file>", "TLS certificate (PEM)")
    .option("--tls-key <file>", "TLS private key (PEM)")
    .option("--read-only", "Refuse pushes and deletes (405 UNSUPPORTED)")
    .option("--htpasswd <file>", "Users who may log in (htpasswd: bcrypt, {SHA} or $apr1$ hashes)")
    .option("--auth <mode>", "basic (default with --htpasswd) or token (a Bearer token endpoint at /token)")
    .option("--token-service <name>", "Service name in Bearer challenges and tokens")
    .option("--policy <file>", "JSON rules [{repository, pull, push}] deciding who may pull and push")
    .action((flags: ServeFlags) => serve(flags, ctx));
}
