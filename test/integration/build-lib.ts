/**
 * Helpers for the build tests: a context directory written from a map of
 * files, and the parsed JSON lines of a raw POST /build.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCmd, type TestDaemon } from "./harness.js";

export async function writeContext(files: Record<string, string | { content: string; mode?: number } | { symlink: string }>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bctx-"));
  for (const [name, v] of Object.entries(files)) {
    const p = path.join(dir, name);
    await fs.mkdir(path.dirname(p), { recursive: true });
    if (typeof v === "string") await fs.writeFile(p, v);
    else if ("symlink" in v) await fs.symlink(v.symlink, p);
    else {
      await fs.writeFile(p, v.content);
      if (v.mode !== undefined) await fs.chmod(p, v.mode);
    }
  }
  return dir;
}

/** A tar of `dir` made by GNU tar (what a client would send). */
export async function tarOf(dir: string, extra: string[] = []): Promise<Buffer> {
  const out = path.join(os.tmpdir(), `bctx-${process.pid}-${Date.now()}.tar`);
  const r = await runCmd(["tar", "-cf", out, "-C", dir, ...extra, "."]);
  if (r.code !== 0) throw new Error(r.stderr);
  const buf = await fs.readFile(out);
  await fs.rm(out, { force: true });
  return buf;
}

export interface BuildLine {
  stream?: string;
  aux?: { ID: string };
  error?: string;
  errorDetail?: { code?: number; message: string };
}

export async function apiBuild(d: TestDaemon, query: string, tar: Buffer): Promise<{ status: number; lines: BuildLine[]; text: string; body: string }> {
  const r = await d.api("POST", `/build?${query}`, tar, { "Content-Type": "application/x-tar" });
  const body = r.body.toString();
  if (r.status !== 200) return { status: r.status, lines: [], text: "", body };
  const lines = body.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => JSON.parse(l) as BuildLine);
  return { status: r.status, lines, text: lines.map((l) => l.stream ?? "").join(""), body };
}

export async function listContainers(d: TestDaemon): Promise<unknown[]> {
  return (await d.api("GET", "/containers/json?all=1")).json();
}
