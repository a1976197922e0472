/**
 * Registry GC (offline, and online with its grace period), the
 * `berth registry serve|gc` command module run as a real process (SIGTERM
 * ends it), and kill -9 of a server in the middle of uploads: after a
 * restart, every blob on disk matches its digest and nothing half-written is
 * served.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { sha256Digest } from "../../src/oci/digest.js";
import { collectGarbage } from "../../src/registry/server/gc.js";
import { listFiles, pushBlob, pushImage, startTestRegistry } from "./helpers.js";

const registryModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/commands/registry.js");

/** Runs `berth registry <action> ...args` through the command module in a child node. */
function cli(action: "serve" | "gc", args: string[]): ChildProcess {
  const script = `
    import { Command } from "commander";
    const mod = await import(${JSON.stringify(registryModule)});
    const cmd = new Command("${action}").exitOverride();
    mod.define(cmd, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, client: async () => { throw new Error("no client"); } }, { action: "${action}" });
    await cmd.parseAsync(${JSON.stringify(args)}, { from: "user" });
  `;
  return spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: path.resolve(path.dirname(registryModule), "../../../.."), stdio: ["ignore", "pipe", "pipe"] });
}

function exited(p: ChildProcess): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  p.stdout!.on("data", (c: Buffer) => (stdout += c));
  p.stderr!.on("data", (c: Buffer) => (stderr += c));
  return new Promise((resolve) => p.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

async function listening(p: ChildProcess): Promise<string> {
  let out = "";
  return new Promise((resolve, reject) => {
    p.stdout!.on("data", (c: Buffer) => {
      out += c;
      const m = /listening on (http\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    p.on("exit", (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
  });
}

async function checkBlobsIntact(root: string): Promise<void> {
  const dir = path.join(root, "blobs", "blobs", "sha256");
  for (const hex of await fs.readdir(dir).catch(() => [] as string[])) {
    const data = await fs.readFile(path.join(dir, hex));
    assert.equal(createHash("sha256").update(data).digest("hex"), hex, "a blob on disk matches its name");
  }
}

describe("registry gc, CLI and kill -9", () => {
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "berth-registry-gc-"));
  });
  after(async () => fs.rm(root, { recursive: true, force: true }));

  test("gc keeps what tags and revisions reference and sweeps the rest; online it spares young blobs", async () => {
    const reg = await startTestRegistry({ root });
    const keep = await pushImage(reg.url, "gc/keep", "v1", {}, "keep");
    const drop = await pushImage(reg.url, "gc/drop", "v1", {}, "drop");
    const orphan = await pushBlob(reg.url, "gc/keep", "never referenced");
    const online = await collectGarbage(root);
    assert.equal(online.online, true);
    assert.deepEqual(online.deleted, [], "default online grace (1 h): a just-uploaded blob may belong to a push in flight");
    assert.ok(online.keptYoung >= 1);
    const del = await fetch(`${reg.url}/v2/gc/drop/manifests/${drop.digest}`, { method: "DELETE" });
    assert.equal(del.status, 202);
    await reg.stop();

    const dry = await collectGarbage(root, { dryRun: true });
    const dropLayer = (drop.doc["layers"] as { digest: string }[])[0]!.digest;
    assert.ok(dry.deleted.includes(drop.digest) && dry.deleted.includes(dropLayer) && dry.deleted.includes(orphan));
    const r = await collectGarbage(root);
    assert.deepEqual(r.deleted.sort(), dry.deleted.sort());
    assert.ok(!r.deleted.includes(keep.digest));

    const reg2 = await startTestRegistry({ root });
    assert.equal((await fetch(`${reg2.url}/v2/gc/keep/manifests/v1`)).status, 200);
    for (const l of keep.doc["layers"] as { digest: string }[]) assert.equal((await fetch(`${reg2.url}/v2/gc/keep/blobs/${l.digest}`)).status, 200);
    assert.equal((await fetch(`${reg2.url}/v2/gc/keep/blobs/${orphan}`)).status, 404);
    assert.equal((await fetch(`${reg2.url}/v2/gc/drop/blobs/${dropLayer}`)).status, 404);
    await reg2.stop();
    await checkBlobsIntact(root);
  });

  test("berth registry serve runs until SIGTERM; gc runs from the command module", async () => {
    const p = cli("serve", ["--root", root, "--addr", "127.0.0.1:0"]);
    const done = exited(p);
    const url = await listening(p);
    assert.equal((await fetch(`${url}/v2/`)).status, 200);
    const busy = await exited(cli("gc", ["--root", root]));
    assert.equal(busy.code, 0, "gc runs while serving: " + busy.stderr);
    assert.match(busy.stdout, /blobs in use/);
    p.kill("SIGTERM");
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    const g = await exited(cli("gc", ["--root", root, "--dry-run"]));
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, /blobs in use/);
  });

  test("kill -9 in the middle of uploads leaves no half blob; the restarted server works", async () => {
    const p = cli("serve", ["--root", root, "--addr", "127.0.0.1:0"]);
    void exited(p);
    const url = await listening(p);
    const u = new URL(url);
    const big = Buffer.alloc(8 * 1024 * 1024, 9);
    const digest = sha256Digest(big);
    const loc = (await fetch(`${url}/v2/crash/blobs/uploads/`, { method: "POST" })).headers.get("location")!;
    const send = (method: string, p2: string) => {
      const req = http.request({ host: u.hostname, port: u.port, method, path: p2, headers: { "Content-Length": String(big.length) } });
      req.on("error", () => {});
      req.write(big.subarray(0, 4 * 1024 * 1024));
      return req;
    };
    const r1 = send("PATCH", loc);
    const r2 = send("POST", `/v2/crash/blobs/uploads/?digest=${digest}`);
    await new Promise((r) => setTimeout(r, 300));
    p.kill("SIGKILL");
    await new Promise((r) => p.on("exit", r));
    r1.destroy();
    r2.destroy();

    await checkBlobsIntact(root);
    const reg = await startTestRegistry({ root });
    assert.equal((await fetch(`${reg.url}/v2/crash/blobs/${digest}`)).status, 404, "nothing half-written is served");
    assert.deepEqual(await listFiles(path.join(root, "blobs", "ingest")), [], "crash leftovers cleared at start");
    // The interrupted session still exists and reports what reached the disk; it can be cancelled.
    const st = await fetch(reg.url + loc);
    assert.equal(st.status, 204);
    assert.equal((await fetch(reg.url + loc, { method: "DELETE" })).status, 204);
    assert.equal((await fetch(`${reg.url}/v2/crash/blobs/uploads/?digest=${digest}`, { method: "POST", body: big })).status, 201);
    assert.equal((await fetch(`${reg.url}/v2/crash/blobs/${digest}`, { method: "HEAD" })).headers.get("content-length"), String(big.length));
    await reg.stop();
    await checkBlobsIntact(root);
  });
});
