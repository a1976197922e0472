/**
 * `berth registry serve` and `berth registry gc` (one module, chosen by the
 * command table's preset {action}).
 *
 * serve: runs an OCI distribution registry in the foreground until SIGTERM or
 * SIGINT, then stops accepting, lets requests in flight finish and exits 0.
 *   --root DIR  --addr HOST:PORT (":5000" = all interfaces)  --tls-cert F --tls-key F
 *   --read-only  --htpasswd FILE ({SHA} / $apr1$)  --policy FILE (JSON list of rules, see
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
  });
  ctx.stdout.write(`berth registry listening on ${reg.url} (root ${root}${flags.readOnly ? ", read-only" : ""})\n`);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  ctx.stderr.write(`berth registry: ${signal}, shutting down\n`);
  await reg.close();
}

async function gc(flags: { root?: string; dryRun?: boolean }, ctx: CliContext): Promise<void> {
  const { collectGarbage } = await import("../../registry/server/gc.js");
  const root = path.resolve(flags.root ?? defaultRoot(ctx.env));
  const r = await collectGarbage(root, { dryRun: flags.dryRun, log: (line) => ctx.stdout.write(line + "\n") });
  ctx.stdout.write(`${r.marked} blobs in use, ${r.deleted.length} ${flags.dryRun ? "to delete" : "deleted"} (${r.bytesFreed} bytes), ${r.linksRemoved} links removed\n`);
}

export function define(cmd: Command, ctx: CliContext, preset?: Record<string, string>): void {
  if (preset?.["action"] === "gc") {
    cmd
      .option("--root <dir>", "Registry storage root")
      .option("--dry-run", "Only list what would be deleted")
      .action((flags: { root?: string; dryRun?: boolean }) => gc(flags, ctx));
    return;
  }
  cmd
    .option("--root <dir>", "Registry storage root")
    .option("--addr <host:port>", "Address to listen on", "127.0.0.1:5000")
    .option("--tls-cert <file>", "TLS certificate (PEM)")
    .option("--tls-key <file>", "TLS private key (PEM)")
    .option("--read-only", "Refuse pushes and deletes (405 UNSUPPORTED)")
    .option("--htpasswd <file>", "Require Basic auth from this htpasswd file ({SHA} or $apr1$ hashes)")
    .option("--policy <file>", "JSON rules [{repository, pull, push}] deciding who may pull and push")
    .action((flags: ServeFlags) => serve(flags, ctx));
}
