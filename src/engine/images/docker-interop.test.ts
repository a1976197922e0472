/**
 * Interop with a real dockerd (Debian's docker.io) on /run/peer-docker.sock,
 * when one is running: berth's save must `docker load`, and `docker save`
 * must load into berth with the same image ID. Skipped, with the reason,
 * when no daemon answers. Only images this test creates are removed from it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { createImageEnv, makeTar, rootfsFiles } from "../../../test/fixtures/images/image-env.js";

const run = promisify(execFile);
const HOST = "unix:///run/peer-docker.sock";
const docker = (...args: string[]) => run("docker", ["-H", HOST, ...args], { maxBuffer: 64 * 1024 * 1024 });

async function dockerUnavailable(): Promise<string | false> {
  try {
    await docker("version", "--format", "{{.Server.Version}}");
    return false;
  } catch (e) {
    return `no dockerd answers on ${HOST} (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
  }
}

const skip = await dockerUnavailable();

test("docker load accepts berth's save", { skip }, async () => {
  await using env = await createImageEnv();
  const tag = `berth-interop/roundtrip:${process.pid}-${Date.now()}`;
  const img = await env.images.importRootfs(Readable.from([await makeTar(rootfsFiles("interop"))]), { ref: tag, changes: ['CMD ["/bin/tool"]'] });
  const file = path.join(env.root, "save.tar");
  await env.images.save([tag], createWriteStream(file));
  const { stdout } = await docker("load", "-i", file);
  try {
    assert.match(stdout, new RegExp(`Loaded image: ${tag}`));
    const { stdout: id } = await docker("image", "inspect", "--format", "{{.Id}}", tag);
    assert.equal(id.trim(), img.id);
  } finally {
    await docker("rmi", tag).catch(() => {});
  }
});

test("berth loads docker save output with the same image ID", { skip }, async (t) => {
  const { stdout: list } = await docker("images", "--format", "{{.Repository}}:{{.Tag}}");
  const source = list.split("\n").find((l) => l && !l.includes("<none>"));
  if (!source) return t.skip("the peer dockerd has no tagged image to save");
  await using env = await createImageEnv();
  const file = path.join(env.root, "docker.tar");
  await docker("save", "-o", file, source);
  const { stdout: id } = await docker("image", "inspect", "--format", "{{.Id}}", source);
  const out = await env.images.load(Readable.from([await readFile(file)]));
  assert.ok(out.some((l) => l.stream.startsWith("Loaded image: ")));
  assert.equal((await env.images.get(source)).id, id.trim());
  assert.ok((await env.images.history(source)).length >= 1);
});
