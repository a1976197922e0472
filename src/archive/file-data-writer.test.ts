import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { writeFileData } from "./file-data-writer.js";

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const d = await fs.mkdtemp(path.join(tmpdir(), "berth-fdw-"));
  t.after(() => fs.rm(d, { recursive: true, force: true }));
  return d;
}

/** Pieces of `data` in sizes that cycle through `sizes`, yielded asynchronously like a socket's. */
function piecesOf(data: Buffer, sizes: number[]): Readable {
  return Readable.from(
    (async function* () {
      for (let off = 0, i = 0; off < data.length; i++) {
        const n = sizes[i % sizes.length]!;
        yield data.subarray(off, off + n);
        off += n;
        if (i % 7 === 0) await new Promise((r) => setImmediate(r));
      }
    })(),
    { objectMode: false },
  );
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test("writes every byte in order across many batches, whatever the piece sizes", async (t) => {
  const dir = await tempDir(t);
  const data = randomBytes(9 * 1024 * 1024 + 333); // several 1 MiB batches, several in flight, a short tail
  for (const sizes of [[512, 9, 503, 32768], [3 * 1024 * 1024], [1], [1, 65536]]) {
    const p = path.join(dir, `f-${sizes.join("-")}`);
    const fh = await fs.open(p, "wx");
    const input = sizes[0] === 1 ? data.subarray(0, 100_000) : data; // 1-byte pieces on a smaller file
    try {
      assert.equal(await writeFileData(fh.fd, piecesOf(input, sizes)), input.length);
    } finally {
      await fh.close();
    }
    assert.equal(sha(await fs.readFile(p)), sha(input), `pieces ${sizes}`);
  }
});

test("an empty entry writes nothing; a write error or a stream error rejects", async (t) => {
  const dir = await tempDir(t);
  const p = path.join(dir, "empty");
  const fh = await fs.open(p, "wx");
  assert.equal(await writeFileData(fh.fd, piecesOf(Buffer.alloc(0), [1])), 0);
  await fh.close();
  assert.equal((await fs.stat(p)).size, 0);

  const ro = await fs.open(p, "r"); // not writable: EBADF from writev
  try {
    await assert.rejects(writeFileData(ro.fd, piecesOf(randomBytes(3 * 1024 * 1024), [65536])), { code: "EBADF" });
  } finally {
    await ro.close();
  }

  const broken = new Readable({ read() {} });
  const fh2 = await fs.open(path.join(dir, "broken"), "wx");
  try {
    const w = writeFileData(fh2.fd, broken);
    broken.push(Buffer.alloc(2 * 1024 * 1024, 7));
    broken.destroy(new Error("connection reset"));
    await assert.rejects(w, /connection reset/);
  } finally {
    await fh2.close();
  }
});
