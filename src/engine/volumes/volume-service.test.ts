import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { ConflictError, InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { VolumeStore } from "../../store/volumes/volume-store.js";
import { VolumeService, type VolumeEvent } from "./volume-service.js";

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "berth-volsvc-"));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const store = new VolumeStore(root);
  await store.load();
  const users = new Map<string, string[]>();
  const svc = new VolumeService({ store, usersOf: (n) => users.get(n) ?? [] });
  const events: string[] = [];
  svc.events.on("event", (e: VolumeEvent) => events.push(`${e.action} ${e.id}`));
  return { svc, users, events };
}

test("create, idempotent create, in-use refusal, remove, events", async (t) => {
  const { svc, users, events } = await setup(t);
  const a = await svc.create({ name: "v1", labels: { k: "v" } });
  const b = await svc.create({ name: "v1" });
  assert.equal(b.createdAt, a.createdAt);
  users.set("v1", ["c1", "c2"]);
  await assert.rejects(svc.remove("v1"), (e: unknown) => e instanceof ConflictError && e.message === "remove v1: volume is in use - [c1, c2]");
  users.set("v1", []);
  await svc.remove("v1");
  await assert.rejects(svc.remove("v1"), (e: unknown) => e instanceof NotFoundError && e.message === "get v1: no such volume");
  await svc.remove("v1", { force: true });
  assert.deepEqual(events, ["create v1", "destroy v1"]);
  await assert.rejects(svc.create({ name: "../x" }), InvalidArgumentError);
  await assert.rejects(svc.create({ name: "okay", driver: "other" }), NotFoundError);
});

test("prune: anonymous only by default, all=true for named ones, in-use kept, label filters", async (t) => {
  const { svc, users } = await setup(t);
  const anon = await svc.createAnonymous();
  const used = await svc.createAnonymous();
  await svc.create({ name: "named", labels: { env: "dev" } });
  await svc.create({ name: "prod", labels: { env: "prod" } });
  users.set(used.name, ["c1"]);
  assert.deepEqual((await svc.prune({}, { onlyAnonymousByDefault: true })).deleted, [anon.name]);
  assert.deepEqual((await svc.prune({ all: ["true"], "label!": ["env=prod"] }, { onlyAnonymousByDefault: true })).deleted, ["named"]);
  assert.deepEqual((await svc.prune({}, { onlyAnonymousByDefault: false })).deleted, ["prod"]);
  assert.deepEqual(svc.list().map((v) => v.name), [used.name]);
  assert.deepEqual(svc.list({ dangling: ["true"] }), []);
});

test("a volume held for a container being created survives rm and prune until released", async (t) => {
  const { svc } = await setup(t);
  const anon = await svc.createAnonymous({ hold: true });
  await svc.create({ name: "named" }, { hold: true });
  await assert.rejects(svc.remove("named"), ConflictError);
  assert.deepEqual((await svc.prune({ all: ["true"] }, { onlyAnonymousByDefault: true })).deleted, []);
  svc.unhold("named");
  svc.unhold(anon.name);
  assert.deepEqual((await svc.prune({ all: ["true"] }, { onlyAnonymousByDefault: true })).deleted.sort(), [anon.name, "named"].sort());
  await assert.rejects(svc.hold("named"), NotFoundError);
});
