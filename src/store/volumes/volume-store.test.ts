import assert from "node:assert/strict";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { VolumeStore, type VolumeRecord } from "./volume-store.js";

const rec = (name: string): VolumeRecord => ({ version: 1, name, driver: "local", labels: { a: "b" }, options: {}, createdAt: new Date().toISOString() });

test("records survive a reload; half-made volumes and trash from an interrupted remove are cleaned", async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "berth-volstore-"));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const s = new VolumeStore(root);
  await s.load();
  await s.create(rec("keep1"));
  await fs.writeFile(path.join(s.dataDir("keep1"), "f"), "x");
  await s.create(rec("gone1"));
  await s.remove("gone1");
  // a create that crashed before its record, and a remove that crashed after its rename
  await fs.mkdir(path.join(root, "half1", "_data"), { recursive: true });
  await fs.mkdir(path.join(root, ".trash-deadbeef", "_data"), { recursive: true });
  const again = new VolumeStore(root);
  const bad: string[] = [];
  await again.load((n) => bad.push(n));
  assert.deepEqual(again.all().map((v) => v.name), ["keep1"]);
  assert.deepEqual(again.get("keep1")?.labels, { a: "b" });
  assert.equal(await fs.readFile(path.join(again.dataDir("keep1"), "f"), "utf8"), "x");
  assert.deepEqual((await fs.readdir(root)).sort(), ["keep1"]);
  assert.deepEqual(bad, []);
});

test("a record whose name does not match its directory is reported, not trusted", async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "berth-volstore-"));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  await fs.mkdir(path.join(root, "vol1", "_data"), { recursive: true });
  await fs.writeFile(path.join(root, "vol1", "volume.json"), JSON.stringify(rec("../../etc")));
  const s = new VolumeStore(root);
  const bad: string[] = [];
  await s.load((n) => bad.push(n));
  assert.deepEqual(s.all(), []);
  assert.deepEqual(bad, ["vol1"]);
});

test("paths are never built from a name that is not one plain component", () => {
  const s = new VolumeStore("/nonexistent");
  for (const n of ["", "..", ".", "a/b", ".trash-x"]) assert.throws(() => s.dataDir(n), /invalid volume name/);
  assert.equal(existsSync("/nonexistent"), false);
});
