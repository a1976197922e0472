/**
 * Hostile names and bodies on every /volumes endpoint and on the container
 * mount fields that name volumes: each gets a Docker-shaped {"message"} with
 * the right status, nothing is written outside <dataRoot>/volumes, and the
 * daemon keeps serving. Also: a container holding a tmpfs-backed volume keeps
 * it across a berthd restart, and stopping it afterwards still unmounts it.
 */
import assert from "node:assert/strict";
import { existsSync, promises as fs } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Docker from "dockerode";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

describe("berthd /volumes rejects hostile input", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  const huge = "a".repeat(300);
  const enc = encodeURIComponent;
  const cases: Array<[string, string, string, unknown, number, RegExp]> = [
    ["a parent-directory name", "POST", "/volumes/create", { Name: "../escape" }, 400, /invalid characters for a local volume name/],
    ["a name with a slash", "POST", "/volumes/create", { Name: "a/b" }, 400, /invalid characters/],
    ["an absolute path as name", "POST", "/volumes/create", { Name: "/etc" }, 400, /invalid characters/],
    ["a one-character name", "POST", "/volumes/create", { Name: "x" }, 400, /invalid characters/],
    ["a NUL in the name", "POST", "/volumes/create", { Name: "ab\u0000c" }, 400, /invalid characters/],
    ["a huge name", "POST", "/volumes/create", { Name: huge }, 400, /invalid characters/],
    ["a name of the wrong type", "POST", "/volumes/create", { Name: 5 }, 400, /Name/],
    ["labels of the wrong type", "POST", "/volumes/create", { Name: "okname", Labels: ["a"] }, 400, /Labels/],
    ["a label value of the wrong type", "POST", "/volumes/create", { Name: "okname", Labels: { a: 1 } }, 400, /Labels/],
    ["driver opts of the wrong type", "POST", "/volumes/create", { Name: "okname", DriverOpts: "type=tmpfs" }, 400, /DriverOpts/],
    ["an unknown driver option", "POST", "/volumes/create", { Name: "okname", DriverOpts: { evil: "1" } }, 400, /invalid option: "evil"/],
    ["an unknown driver", "POST", "/volumes/create", { Name: "okname", Driver: "nfs-plugin" }, 404, /plugin "nfs-plugin" not found/],
    ["a malformed body", "POST", "/volumes/create", "{nope", 400, /invalid JSON/],
    ["an array body", "POST", "/volumes/create", "[]", 400, /object/],
    ["inspect of a traversal", "GET", `/volumes/${enc("../../etc")}`, undefined, 404, /no such volume/],
    ["inspect of a huge name", "GET", `/volumes/${huge}`, undefined, 404, /no such volume/],
    ["remove of a traversal", "DELETE", `/volumes/${enc("../containers")}`, undefined, 404, /no such volume/],
    ["remove of .trash", "DELETE", `/volumes/${enc(".trash-x")}`, undefined, 404, /no such volume/],
    ["list with bad filters JSON", "GET", "/volumes?filters=%7Bx", undefined, 400, /invalid filter/],
    ["list with an unknown filter", "GET", `/volumes?filters=${enc('{"bogus":["1"]}')}`, undefined, 400, /invalid filter 'bogus'/],
    ["list with a bad dangling value", "GET", `/volumes?filters=${enc('{"dangling":["maybe"]}')}`, undefined, 400, /invalid filter 'dangling=maybe'/],
    ["prune with an unknown filter", "POST", `/volumes/prune?filters=${enc('{"dangling":["true"]}')}`, undefined, 400, /invalid filter 'dangling'/],
    ["prune with a bad all value", "POST", `/volumes/prune?filters=${enc('{"all":["sometimes"]}')}`, undefined, 400, /invalid filter 'all=sometimes'/],
    ["a bind naming a hostile volume", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Binds: ["../../x:/data"] } }, 400, /invalid characters/],
    ["a volume mount with a hostile source", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Mounts: [{ Type: "volume", Source: "a/../../b", Target: "/x" }] } }, 400, /invalid characters/],
    ["a volume mount with hostile options", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Mounts: [{ Type: "volume", Source: "vv", Target: "/x", VolumeOptions: { DriverConfig: { Options: { bad: "1" } } } }] } }, 400, /invalid option: "bad"/],
    ["VolumeOptions of the wrong type", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Mounts: [{ Type: "volume", Target: "/x", VolumeOptions: "z" }] } }, 400, /VolumeOptions/],
    ["a relative image-style volume", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], Volumes: { relative: {} } }, 400, /must be absolute/],
    ["a duplicate mount point", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Binds: ["dup1:/x", "dup2:/x"] } }, 400, /Duplicate mount point: \/x/],
    ["VolumesFrom of the wrong type", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { VolumesFrom: [1] } }, 400, /VolumesFrom/],
  ];

  for (const [name, method, url, body, status, re] of cases) {
    test(`${name} → ${status}`, async () => {
      const r = await d.api(method, url, body);
      assert.equal(r.status, status, r.body.toString());
      assert.match(r.json<{ message: string }>().message, re);
    });
  }

  test("nothing was created by the refused requests, and nothing outside the volumes dir", async () => {
    const names = (await d.api("GET", "/volumes")).json<{ Volumes: Array<{ Name: string }> }>().Volumes.map((v) => v.Name);
    assert.deepEqual(names, []);
    assert.deepEqual(await fs.readdir(path.join(d.dataRoot, "volumes")), []);
    for (const p of ["escape", "b", "x"]) assert.equal(existsSync(path.join(d.dataRoot, p)), false, p);
    assert.equal((await d.api("GET", "/_ping")).status, 200);
  });

  test("create is idempotent, an empty body makes an anonymous volume, force ignores a missing one", async () => {
    const a = await d.api("POST", "/volumes/create", { Name: "same" });
    const b = await d.api("POST", "/volumes/create", { Name: "same", Labels: { x: "y" } });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.json<{ CreatedAt: string }>().CreatedAt, a.json<{ CreatedAt: string }>().CreatedAt);
    const anon = await d.api("POST", "/volumes/create", "");
    assert.equal(anon.status, 201);
    assert.match(anon.json<{ Name: string }>().Name, /^[0-9a-f]{64}$/);
    assert.equal((await d.api("DELETE", "/volumes/nosuchvol?force=1")).status, 204);
    const miss = await d.api("DELETE", "/volumes/nosuchvol");
    assert.equal(miss.status, 404);
    assert.equal(miss.json<{ message: string }>().message, "get nosuchvol: no such volume");
    assert.equal((await d.api("DELETE", "/volumes/same")).status, 204);
    assert.equal((await d.api("DELETE", `/volumes/${anon.json<{ Name: string }>().Name}`)).status, 204);
    const list = (await d.api("GET", "/volumes")).json<{ Volumes: unknown[]; Warnings: unknown }>();
    assert.deepEqual(list, { Volumes: [], Warnings: null });
  });

  test("dockerode: createVolume, listVolumes with filters, inspect, a container using it, pruneVolumes, remove", async () => {
    const docker = new Docker({ socketPath: d.socket });
    const v = await docker.createVolume({ Name: "dode", Labels: { by: "dockerode" } });
    assert.equal(v.name, "dode");
    const listed = await docker.listVolumes({ filters: JSON.stringify({ label: ["by=dockerode"] }) });
    assert.deepEqual(listed.Volumes.map((x) => x.Name), ["dode"]);
    assert.equal((await docker.getVolume("dode").inspect()).Mountpoint, path.join(d.dataRoot, "volumes/dode/_data"));
    const c = await docker.createContainer({ Image: "busybox", Cmd: ["sh", "-c", "echo via-dockerode > /v/f"], HostConfig: { Mounts: [{ Type: "volume", Source: "dode", Target: "/v" }] } });
    await c.start();
    assert.equal((await c.wait()).StatusCode, 0);
    await assert.rejects(docker.getVolume("dode").remove(), (e: { statusCode?: number }) => e.statusCode === 409);
    await c.remove({ v: true });
    assert.equal(await fs.readFile(path.join(d.dataRoot, "volumes/dode/_data/f"), "utf8"), "via-dockerode\n");
    const pruned = await docker.pruneVolumes({ filters: JSON.stringify({ all: ["true"], label: ["by=dockerode"] }) });
    assert.deepEqual(pruned.VolumesDeleted, ["dode"]);
    assert.ok(pruned.SpaceReclaimed >= 14);
  });

  test("a running container keeps its tmpfs volume across a berthd restart; its stop unmounts it", async () => {
    const mk = await d.api("POST", "/volumes/create", { Name: "survive", DriverOpts: { type: "tmpfs", device: "tmpfs", o: "size=4m" } });
    assert.equal(mk.status, 201);
    const r = await d.docker(["run", "-d", "--name", "rs", "-v", "survive:/s", "busybox", "sh", "-c", "echo alive > /s/f; sleep 120"]);
    assert.equal(r.code, 0, r.stderr);
    const data = path.join(d.dataRoot, "volumes/survive/_data");
    const mounted = async () => (await fs.readFile("/proc/self/mountinfo", "utf8")).split("\n").some((l) => l.split(" ")[4] === data);
    assert.equal(await mounted(), true);
    await d.stopDaemon();
    await d.start();
    assert.equal(await mounted(), true, "still mounted for the running container");
    const inUse = await d.api("DELETE", "/volumes/survive");
    assert.equal(inUse.status, 409);
    const cat = await d.docker(["exec", "rs", "cat", "/s/f"]);
    assert.equal(cat.stdout, "alive\n", cat.stderr);
    assert.equal((await d.docker(["stop", "-t", "0", "rs"])).code, 0);
    assert.equal(await mounted(), false);
    assert.equal((await d.docker(["rm", "rs"])).code, 0);
    assert.equal((await d.api("DELETE", "/volumes/survive")).status, 204);
  });
});
