import { containerConfig, hostConfig } from "../../../test/fixtures/containers/records.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ContainerRecord } from "../../engine/containers/types.js";
import { ContainerStore } from "./container-store.js";

const id = (c: string) => c.repeat(64);
const exists = (f: string) => access(f).then(() => true, () => false);

function record(cid: string, name: string): ContainerRecord {
  return {
    id: cid,
    name,
    created: "2026-01-01T00:00:00.000Z",
    imageId: "sha256:" + "f".repeat(64),
    path: "echo",
    args: ["hello"],
    config: containerConfig({ hostname: cid.slice(0, 12), env: ["A=1"], labels: { x: "y" } }),
    hostConfig: hostConfig(),
    state: { status: "exited", exitCode: 0, startedAt: "2026-01-01T00:00:01Z", finishedAt: "2026-01-01T00:00:02Z", oomKilled: false, error: "" },
    restartCount: 0,
    stoppedByUser: false,
    runtime: "runc",
  };
}

async function tempRoot(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const base = await mkdtemp(path.join(os.tmpdir(), "berth-cstore-"));
  t.after(() => rm(base, { recursive: true, force: true }));
  return path.join(base, "containers");
}

test("save then load in a new store round-trips records and names", async (t) => {
  const root = await tempRoot(t);
  const a = record(id("a"), "web");
  const b = record(id("b"), "db");
  const s1 = new ContainerStore(root);
  await s1.load();
  await s1.save(a);
  await s1.save(b);
  assert.equal(s1.get(a.id), a);

  const s2 = new ContainerStore(root);
  await s2.load();
  assert.deepEqual(s2.get(a.id), a);
  assert.deepEqual(s2.get(b.id), b);
  assert.equal(s2.all().length, 2);
  assert.equal(s2.idForName("web"), a.id);
  assert.equal(s2.idForName("db"), b.id);
  assert.equal(s2.idForName("nope"), undefined);
});

test("save overwrites the record atomically, leaving no temp files", async (t) => {
  const root = await tempRoot(t);
  const s = new ContainerStore(root);
  await s.load();
  const a = record(id("a"), "web");
  await s.save(a);
  await s.save({ ...a, restartCount: 3 });
  assert.deepEqual(await readdir(s.dir(a.id)), ["record.json"]);
  const s2 = new ContainerStore(root);
  await s2.load();
  assert.equal(s2.get(a.id)?.restartCount, 3);
});

test("claimName: a name held by another container conflicts; re-claiming one's own is fine", async (t) => {
  const root = await tempRoot(t);
  const s = new ContainerStore(root);
  await s.load();
  await s.save(record(id("a"), "web"));
  assert.equal(s.claimName("web", id("b")), false);
  assert.equal(s.claimName("web", id("a")), true);
  assert.equal(s.claimName("api", id("b")), true);
  assert.equal(s.claimName("api", id("c")), false, "a claimed-but-unsaved name is held too");
  s.releaseName("api", id("c"));
  assert.equal(s.idForName("api"), id("b"), "only the holder can release a name");
  s.releaseName("api", id("b"));
  assert.equal(s.claimName("api", id("c")), true);
});

test("delete removes the record, its directory and its name", async (t) => {
  const root = await tempRoot(t);
  const s = new ContainerStore(root);
  await s.load();
  const a = record(id("a"), "web");
  await s.save(a);
  await writeFile(path.join(s.dir(a.id), "ctr.log"), "x");
  await s.delete(a.id);
  assert.equal(s.get(a.id), undefined);
  assert.equal(s.idForName("web"), undefined);
  assert.equal(s.claimName("web", id("b")), true);
  assert.equal(await exists(s.dir(a.id)), false);
  const s2 = new ContainerStore(root);
  await s2.load();
  assert.deepEqual(s2.all(), []);
});

test("a corrupt record.json is reported through the callback and skipped", async (t) => {
  const root = await tempRoot(t);
  const s = new ContainerStore(root);
  await s.load();
  await s.save(record(id("a"), "web"));
  await mkdir(path.join(root, id("b")));
  await writeFile(path.join(root, id("b"), "record.json"), '{"id": "bbb", "na');
  await mkdir(path.join(root, id("c"))); // a directory without a record (crash between mkdir and write)
  await mkdir(path.join(root, "not-an-id"));

  const bad: string[] = [];
  const s2 = new ContainerStore(root);
  await s2.load((cid, err) => {
    bad.push(cid);
    assert.ok(err instanceof SyntaxError);
  });
  assert.deepEqual(bad, [id("b")]);
  assert.deepEqual(s2.all().map((r) => r.id), [id("a")]);
  assert.equal(await exists(path.join(root, id("b"), "record.json")), true, "the corrupt record is left for inspection");
});

test("load creates the root directory", async (t) => {
  const root = await tempRoot(t);
  await new ContainerStore(root).load();
  assert.equal(await exists(root), true);
});
