import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { InvalidArgumentError } from "../../../errors/index.js";
import { BuildContext } from "./build-context.js";
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

async function receive(buf: Buffer): Promise<BuildContext> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bctx-unit-"));
  dirs.push(dir);
  return BuildContext.receive(Readable.from([buf]), path.join(dir, "spool"));
}

async function readAll(r: Readable): Promise<string> {
  let s = "";
  for await (const c of r) s += c.toString();
  return s;
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
    assert.equal(a.sha256, createHash("sha256").update("aaa").digest("hex"));
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
