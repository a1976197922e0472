/**
 * Images through the real docker CLI: import, inspect, history, tag, rmi
 * (untag vs delete, refusal while in use), save → rmi → load with the same
 * image ID, and the archive's two formats (docker-archive and OCI layout).
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { busyboxTar, isRoot, runCmd, startDaemon, type TestDaemon } from "./harness.js";

describe("docker CLI against berthd: images", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  let id: string;
  before(async () => {
    d = await startDaemon();
    const r = await d.docker(["import", "--change", "CMD [\"sh\"]", "--change", "ENV GREETING=hi", await busyboxTar(), "busybox:latest"]);
    assert.equal(r.code, 0, r.stderr);
    id = r.stdout.trim();
  });
  after(async () => {
    await d?.stop();
  });

  test("import gives an image with the config changes; run uses its CMD and ENV", async () => {
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    const insp = JSON.parse((await d.docker(["image", "inspect", "busybox"])).stdout)[0];
    assert.equal(insp.Id, id);
    assert.deepEqual(insp.RepoTags, ["busybox:latest"]);
    assert.deepEqual(insp.Config.Cmd, ["sh"]);
    assert.ok(insp.Config.Env.includes("GREETING=hi"));
    assert.equal(insp.RootFS.Layers.length, 1);
    assert.equal(insp.Os, "linux");
    const r = await d.docker(["run", "--rm", "-i", "busybox"], { input: "echo $GREETING\n" });
    assert.equal(r.stdout, "hi\n", r.stderr);
  });

  test("images lists it with docker's columns; history shows the import", async () => {
    const ls = await d.docker(["images"]);
    assert.equal(ls.code, 0, ls.stderr);
    const lines = ls.stdout.trim().split("\n");
    assert.match(lines[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    assert.match(lines[1]!, new RegExp(`^busybox\\s+latest\\s+${id.slice(7, 19)}\\s+`));
    const h = await d.docker(["history", "--format", "{{.ID}} {{.Comment}}", "busybox"]);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, new RegExp(`^${id.slice(7, 19)} Imported from -`));
  });

  test("tag and rmi: untag first, delete with the last reference", async () => {
    assert.equal((await d.docker(["tag", "busybox", "example.com/team/bb:v1"])).code, 0);
    const tags = JSON.parse((await d.docker(["image", "inspect", id])).stdout)[0].RepoTags.sort();
    assert.deepEqual(tags, ["busybox:latest", "example.com/team/bb:v1"]);
    const untag = await d.docker(["rmi", "example.com/team/bb:v1"]);
    assert.equal(untag.code, 0, untag.stderr);
    assert.match(untag.stdout, /Untagged: example.com\/team\/bb:v1/);
    assert.doesNotMatch(untag.stdout, /Deleted/);
    assert.equal((await d.docker(["image", "inspect", "busybox"])).code, 0);
  });

  test("rmi refuses an image a container uses, unless forced", async () => {
    await d.docker(["tag", "busybox", "inuse:1"]);
    const c = (await d.docker(["create", "inuse:1", "true"])).stdout.trim();
    await d.docker(["rmi", "busybox"]).then((r) => assert.equal(r.code, 0, r.stderr)); // untag only: inuse:1 remains
    const refused = await d.docker(["rmi", "inuse:1"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /conflict: unable to (remove|delete)/);
    await d.docker(["rm", c]);
    await d.docker(["tag", "inuse:1", "busybox:latest"]);
    await d.docker(["rmi", "inuse:1"]);
  });

  test("save → rmi → load gives back the identical image ID and tags", async () => {
    const file = path.join(d.root, "bb.tar");
    const save = await d.docker(["save", "-o", file, "busybox:latest"]);
    assert.equal(save.code, 0, save.stderr);
    const listing = await runCmd(["tar", "-tf", file]);
    const names = listing.stdout.split("\n");
    for (const n of ["manifest.json", "index.json", "oci-layout"]) assert.ok(names.includes(n), `${n} in archive`);
    const manifest = JSON.parse((await runCmd(["tar", "-xOf", file, "manifest.json"])).stdout);
    assert.deepEqual(manifest[0].RepoTags, ["busybox:latest"]);
    assert.equal((await d.docker(["rmi", "busybox:latest"])).code, 0);
    assert.equal((await d.docker(["image", "inspect", "busybox"])).code, 1);
    const load = await d.docker(["load", "-i", file]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /Loaded image: busybox:latest/);
    assert.equal(JSON.parse((await d.docker(["image", "inspect", "busybox"])).stdout)[0].Id, id);
    const r = await d.docker(["run", "--rm", "busybox", "echo", "loaded"]);
    assert.equal(r.stdout, "loaded\n", r.stderr);
  });

  test("load reads stdin; load of garbage is a clear error and the daemon keeps serving", async () => {
    const bad = await d.docker(["load"], { input: Buffer.from("this is not a tar archive at all".repeat(40)) });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Error|error/);
    assert.equal((await d.api("GET", "/_ping")).status, 200);
    const images = JSON.parse((await d.api("GET", "/images/json")).body.toString());
    assert.equal(images.length, 1);
  });

  test("import of a tarball with ../ entries is refused and writes nothing outside", async () => {
    const dir = path.join(d.root, "evil");
    await fs.mkdir(path.join(dir, "a"), { recursive: true });
    await fs.writeFile(path.join(dir, "payload"), "pwned");
    const tarFile = path.join(d.root, "evil.tar");
    // GNU tar keeps "../" when asked to (-P); the entry aims outside the layer root
    const mk = await runCmd(["tar", "-P", "-C", path.join(dir, "a"), "-cf", tarFile, "../payload"]);
    assert.equal(mk.code, 0, mk.stderr);
    const r = await d.docker(["import", tarFile, "evil:1"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\.\.|outside|invalid/i);
    assert.equal((await d.docker(["image", "inspect", "evil:1"])).code, 1);
    await assert.rejects(fs.access(path.join(d.dataRoot, "layers", "payload")));
  });
});
