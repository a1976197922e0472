/**
 * Registry issue: "a 2 GB layer pushes and pulls with flat memory".
 *
 * The berth registry runs in a child node process (startRegistry on
 * 127.0.0.1:0, temp root) so that its RSS is its own. The test streams a
 * pseudo-random blob (AES-128-CTR keystream with a fixed key: fast and
 * deterministic, never held in memory; its sha256 is computed while it is
 * generated) as a chunked upload (POST, PATCH in ~256 MiB chunks with
 * Content-Range, PUT ?digest=), then GETs it back through a sha256, while the
 * child's VmRSS is sampled from /proc/<pid>/status every 200 ms. The digest
 * must match and the child's peak RSS must stay below its idle baseline +
 * 150 MiB.
 *
 * Size: BERTH_LARGE_BLOB_MB (default 2048, i.e. 2 GiB; the whole test takes
 * well under a minute on a 2-core dev machine).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createCipheriv, createHash, type Hash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { after, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const MiB = 1024 * 1024;
const SIZE_MB = Number(process.env["BERTH_LARGE_BLOB_MB"] || 2048);
const CHUNK_MB = 256;
const SLACK_MB = 150;

const serveModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/registry/server/serve.js");

async function rssKb(pid: number): Promise<number> {
  const s = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
}

interface Child {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
  stop(): Promise<void>;
}

async function startChildRegistry(root: string): Promise<Child> {
  const script = `
    const { startRegistry } = await import(${JSON.stringify(pathToFileURL(serveModule).href)});
    const reg = await startRegistry({ root: ${JSON.stringify(root)}, host: "127.0.0.1", port: 0, onError: (e) => process.stderr.write("registry-error: " + String(e && e.stack || e) + "\\n") });
    process.stdout.write("port " + reg.port + "\\n");
    process.on("SIGTERM", () => { reg.close().then(() => process.exit(0), () => process.exit(1)); });
  `;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (c: Buffer) => (stderr += c));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (c: Buffer) => {
      out += c;
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once("exit", (code) => reject(new Error(`registry child exited ${code} before listening: ${out} ${stderr}`)));
  });
  return {
    proc,
    port,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** `bytes` of the deterministic keystream starting at byte `offset` (a multiple of 1 MiB), hashed into `hash` as it goes. */
function blobStream(key: Buffer, offset: number, bytes: number, hash: Hash): Readable {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(offset / 16), 8);
  const cipher = createCipheriv("aes-128-ctr", key, iv);
  const zeros = Buffer.alloc(MiB);
  return Readable.from(
    (function* () {
      for (let left = bytes; left > 0; left -= MiB) {
        const out = cipher.update(left >= MiB ? zeros : zeros.subarray(0, left));
        hash.update(out);
        yield out;
      }
    })(),
    { objectMode: false },
  );
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, method: string, p: string, headers: http.OutgoingHttpHeaders = {}, body?: Readable): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: p, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body) pipeline(body, req).catch(reject);
    else req.end();
  });
}

describe("registry: a large blob pushes and pulls with flat memory", () => {
  let root: string | undefined;
  let child: Child | undefined;
  after(async () => {
    await child?.stop();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  test(`${SIZE_MB} MiB chunked upload + streaming GET: digest matches, child RSS stays flat`, { timeout: 600_000 }, async () => {
    const started = Date.now();
    root = await fs.mkdtemp(path.join(os.tmpdir(), "berth-registry-large-"));
    child = await startChildRegistry(root);
    const { port } = child;
    const pid = child.proc.pid!;
    assert.equal((await request(port, "GET", "/v2/")).status, 200);
    await new Promise((r) => setTimeout(r, 300));
    const baselineKb = await rssKb(pid);
    assert.ok(baselineKb > 0, "VmRSS readable");

    let peakKb = baselineKb;
    let sampling = false;
    const sampler = setInterval(() => {
      if (sampling) return;
      sampling = true;
      void rssKb(pid)
        .then((kb) => (peakKb = Math.max(peakKb, kb)))
        .finally(() => (sampling = false));
    }, 200);

    const name = "large/blob";
    const total = SIZE_MB * MiB;
    const key = createHash("sha256").update("berth large blob").digest().subarray(0, 16);
    let pushed = "";
    let pulled = "";
    let pushMs = 0;
    let pullMs = 0;
    try {
      // push: POST, PATCH in chunks with Content-Range, PUT ?digest=
      const t0 = Date.now();
      const post = await request(port, "POST", `/v2/${name}/blobs/uploads/`, { "Content-Length": "0" });
      assert.equal(post.status, 202, post.body);
      let location = String(post.headers.location);
      const pushHash = createHash("sha256");
      for (let offset = 0; offset < total; offset += CHUNK_MB * MiB) {
        const len = Math.min(CHUNK_MB * MiB, total - offset);
        const r = await request(
          port,
          "PATCH",
          location,
          { "Content-Type": "application/octet-stream", "Content-Length": String(len), "Content-Range": `${offset}-${offset + len - 1}` },
          blobStream(key, offset, len, pushHash),
        );
        assert.equal(r.status, 202, r.body);
        assert.equal(r.headers.range, `0-${offset + len - 1}`);
        location = String(r.headers.location);
      }
      pushed = `sha256:${pushHash.digest("hex")}`;
      const sep = location.includes("?") ? "&" : "?";
      const put = await request(port, "PUT", `${location}${sep}digest=${pushed}`, { "Content-Length": "0" });
      assert.equal(put.status, 201, put.body);
      assert.equal(put.headers["docker-content-digest"], pushed);
      pushMs = Date.now() - t0;

      // pull: streaming GET through a sha256
      const t1 = Date.now();
      const pullHash = createHash("sha256");
      let received = 0;
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port, path: `/v2/${name}/blobs/${pushed}` }, (res) => {
            if (res.statusCode !== 200) {
              res.resume();
              reject(new Error(`GET blob: ${res.statusCode}`));
              return;
            }
            assert.equal(res.headers["content-length"], String(total));
            res.on("data", (c: Buffer) => {
              received += c.length;
              pullHash.update(c);
            });
            res.on("end", () => resolve());
            res.on("error", reject);
          })
          .on("error", reject);
      });
      pulled = `sha256:${pullHash.digest("hex")}`;
      pullMs = Date.now() - t1;
      assert.equal(received, total);
    } finally {
      clearInterval(sampler);
    }
    peakKb = Math.max(peakKb, await rssKb(pid));
    const errors = child.stderr();
    await child.stop();
    child = undefined;

    const growthMb = (peakKb - baselineKb) / 1024;
    console.log(
      `large blob ${SIZE_MB} MiB: push ${(pushMs / 1000).toFixed(1)} s, pull ${(pullMs / 1000).toFixed(1)} s, ` +
        `registry child RSS baseline ${(baselineKb / 1024).toFixed(1)} MiB, peak ${(peakKb / 1024).toFixed(1)} MiB (growth ${growthMb.toFixed(1)} MiB), ` +
        `test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.equal(pulled, pushed, "the blob pulled back has the pushed digest");
    assert.doesNotMatch(errors, /registry-error:/, "the registry logged internal errors");
    assert.ok(growthMb < SLACK_MB, `registry child RSS grew ${growthMb.toFixed(1)} MiB for a ${SIZE_MB} MiB blob (limit ${SLACK_MB} MiB)`);
  });
});
