import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { InvalidArgumentError } from "../../../errors/index.js";
import { BuildContext } from "./build-context.js";
import { newContentHasher } from "./content-digest.js";
import { ContextTree } from "./source-tree.js";
import { contextSourcesDigest, resolveContextSource } from "../steps/copy-sources.js";

type Entry = Partial<tar.Header> & { name: string; body?: string };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { body, ...h } of entries) pack.entry(h, body ?? "");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of Readable.from(pack as AsyncIterable<Buffer>)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

async function receive(buf: Buffer, memoryBudget?: number): Promise<BuildContext> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bctx-unit-"));
  dirs.push(dir);
  return BuildContext.receive(Readable.from([buf]), path.join(dir, "spool"), memoryBudget);
}

async function readAll(r: Readable): Promise<string> {
  let s = "";
  for await (const c of r) s += c.toString();
  return s;
}

function oneShot(s: string): string {
  const h = newContentHasher();
  h.update(Buffer.from(s));
  return h.digest();
}

test("indexes entries, hashes file contents and serves them from the spool (plain and gzip)", async () => {
  const buf = await tarOf([
    { name: "Dockerfile", body: "FROM x\n" },
    { name: "./dir/a.txt", body: "aaa", mode: 0o640 },
    { name: "dir/sub/b.txt", body: "" },
    { name: "link", type: "symlink", linkname: "dir/a.txt" },
    { name: "hard", type: "link", linkname: "dir/a.txt" },
  ]);
  for (const body of [buf, gzipSync(buf)]) {
    const ctx = await receive(body);
    assert.deepEqual([...ctx.entries.keys()].sort(), ["", "Dockerfile", "dir", "dir/a.txt", "dir/sub", "dir/sub/b.txt", "hard", "link"]);
    const a = ctx.entries.get("dir/a.txt")!;
    assert.equal(a.digest, oneShot("aaa"));
    assert.equal(a.mode, 0o640);
    assert.equal(await readAll(ctx.openFile("dir/a.txt")), "aaa");
    assert.equal(await readAll(ctx.openFile("hard")), "aaa");
    assert.equal(await readAll(ctx.openFile("dir/sub/b.txt")), "");
    assert.deepEqual(ctx.children("dir"), ["a.txt", "sub"]);
    assert.equal((await ctx.readSmallFile("Dockerfile"))?.toString(), "FROM x\n");
    assert.equal((await ctx.readSmallFile("link"))?.toString(), "aaa", "an in-context symlink is followed for the Dockerfile");
    await ctx.dispose();
  }
});

test("files within the memory budget stay in memory, the rest go to spool files; both read the same", async () => {
  const big = "B".repeat(300_000);
  const buf = await tarOf([
    { name: "small", body: "tiny" },
    { name: "big", body: big },
    { name: "after", body: "after-big" },
  ]);
  const ctx = await receive(buf, 1000);
  assert.deepEqual(ctx.memoryContent("small")?.map((b) => b.toString()).join(""), "tiny");
  assert.equal(ctx.spoolFile("small"), undefined);
  assert.equal(ctx.memoryContent("big"), undefined, "over the budget: spooled");
  assert.equal(await fs.readFile(ctx.spoolFile("big")!, "utf8"), big);
  assert.equal(path.dirname(ctx.spoolFile("big")!), ctx.spool, "spool files are numbered inside the spool dir, never named from the archive");
  assert.equal(ctx.memoryContent("after")?.map((b) => b.toString()).join(""), "after-big", "later small files still fit");
  assert.equal(await readAll(ctx.openFile("big")), big);
  assert.equal(await readAll(ctx.openFile("small")), "tiny");
  assert.equal(ctx.entries.get("big")!.digest, oneShot(big), "a spooled file gets the same digest as the same bytes in one piece");
  await ctx.dispose();
  await assert.rejects(fs.access(ctx.spool), "dispose removes the spool dir");
});

test("the COPY digest follows content and mode, not mtime", async () => {
  const digest = async (entries: Entry[]) => {
    const ctx = await receive(await tarOf(entries));
    const d = contextSourcesDigest(ctx, resolveContextSource(ctx, "dir", "COPY"));
    await ctx.dispose();
    return d;
  };
  const base = await digest([{ name: "dir/a", body: "1", mtime: new Date(1000) }]);
  assert.equal(await digest([{ name: "dir/a", body: "1", mtime: new Date(999_000) }]), base);
  assert.notEqual(await digest([{ name: "dir/a", body: "2", mtime: new Date(1000) }]), base);
  assert.notEqual(await digest([{ name: "dir/a", body: "1", mode: 0o755, mtime: new Date(1000) }]), base);
  assert.notEqual(await digest([{ name: "dir/a", body: "1" }, { name: "dir/b", body: "" }]), base);
});

test("hostile entries are refused before anything is written for them", async () => {
  const cases: Array<[Entry[], RegExp]> = [
    [[{ name: "../x", body: "x" }], /outside the build context/],
    [[{ name: "/etc/x", body: "x" }], /absolute paths/],
    [[{ name: "l", type: "symlink", linkname: "/etc" }, { name: "l/passwd", body: "x" }], /not a directory \(symlink\)/],
    [[{ name: "d", type: "character-device", devmajor: 1, devminor: 3 }], /character-device entries are not allowed/],
    [[{ name: "f", type: "fifo" }], /fifo entries are not allowed/],
    [[{ name: "h", type: "link", linkname: "nope" }], /not a file in the context/],
  ];
  for (const [entries, re] of cases) {
    await assert.rejects(receive(await tarOf(entries)), (e: unknown) => e instanceof InvalidArgumentError && re.test((e as Error).message));
  }
  await assert.rejects(receive(Buffer.from("not a tar at all ".repeat(64))), InvalidArgumentError);
});

test("the context tree lists and stats without following links", async () => {
  const ctx = await receive(await tarOf([{ name: "d/f", body: "x" }, { name: "d/l", type: "symlink", linkname: "/etc/passwd" }]));
  const tree = new ContextTree(ctx);
  assert.deepEqual(await tree.children("d"), ["f", "l"]);
  assert.equal((await tree.stat("d/l"))?.type, "symlink");
  assert.equal((await tree.stat("d/l"))?.linkname, "/etc/passwd");
  assert.equal(await tree.stat("nope"), undefined);
});

test("COPY gives the same root files and layer tar from memory and from spool files", async () => {
  const { ContextTree } = await import("./source-tree.js");
  const { copyIntoRoot } = await import("../steps/copy-into-root.js");
  const { LayerTarWriter } = await import("../steps/layer-tar-writer.js");
  const tar = (await import("tar-stream")).default;
  const body = await tarOf([
    { name: "data/a", body: "A".repeat(200_000), mode: 0o640 },
    { name: "data/sub/b", body: "bee" },
    { name: "data/empty", body: "" },
  ]);
  const results: string[] = [];
  for (const budget of [undefined, 0]) {
    const ctx = await receive(body, budget);
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "bctx-copy-"));
    dirs.push(root);
    const w = new LayerTarWriter(root);
    const entries: string[] = [];
    const ex = tar.extract();
    const parsed = (async () => {
      for await (const e of ex) {
        let n = 0;
        for await (const c of e) n += (c as Buffer).length;
        entries.push(`${e.header.name} ${e.header.type} ${(e.header.mode ?? 0).toString(8)} ${n}`);
      }
    })();
    w.readable.pipe(ex);
    await copyIntoRoot(root, [{ tree: new ContextTree(ctx), rel: "data", type: "directory", baseName: "data" }], "/app/", { uid: process.getuid!(), gid: process.getgid!(), tar: w }, "COPY");
    w.finalize();
    await parsed;
    const files = await Promise.all(["app/a", "app/sub/b", "app/empty"].map(async (f) => `${f} ${(await fs.stat(path.join(root, f))).mode.toString(8)} ${await fs.readFile(path.join(root, f), "utf8").then((t) => t.length)}`));
    results.push(JSON.stringify({ entries, files }));
    await ctx.dispose();
  }
  assert.equal(results[0], results[1]);
  assert.match(results[0]!, /app\/a file 640 200000/);
  assert.match(results[0]!, /app\/a 100640 200000/);
});
