import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { BuildCache, stepKey } from "./build-cache.js";

test("BuildCache: entries survive a new instance (files), hits need the image, stale entries go", async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-build-cache-"));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const images = new Set(["sha256:a"]);
  const exists = async (id: string) => images.has(id);
  const key = stepKey("sha256:p", "RUN true");
  const c = new BuildCache(dir);
  await c.init();
  assert.equal(await c.lookup(key, exists), undefined);
  await c.store(key, "sha256:a");
  assert.equal(await c.lookup(key, exists), "sha256:a");
  assert.equal(await new BuildCache(dir).lookup(key, exists), "sha256:a", "a restarted daemon reads the entry from its file");
  images.delete("sha256:a");
  assert.equal(await c.lookup(key, exists), undefined, "an entry whose image is gone is no hit");
  await assert.rejects(fs.access(path.join(dir, key)), "and its file is removed");
  images.add("sha256:a");
  assert.equal(await c.lookup(key, exists), undefined, "nor is it remembered in memory");
});

test("BuildCache: remove and prune-style removal forget the in-memory entry too", async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-build-cache-"));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const exists = async () => true;
  const c = new BuildCache(dir);
  await c.init();
  const key = stepKey(null, "COPY . /");
  await c.store(key, "sha256:b");
  assert.deepEqual(await c.entries(), [[key, "sha256:b"]]);
  await c.remove(key);
  assert.equal(await c.lookup(key, exists), undefined);
  assert.deepEqual(await c.entries(), []);
});
