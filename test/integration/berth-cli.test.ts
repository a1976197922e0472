/**
 * berth's own CLI against berthd: the same user-visible behaviour as the
 * docker CLI — output, exit codes (container's code, 125 daemon errors,
 * 126/127 for not-executable/not-found), stdin piping, detached lifecycle,
 * ps/inspect formats, import/save/load.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { busyboxTar, isRoot, startDaemon, type TestDaemon } from "./harness.js";

describe("berth CLI", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    const r = await d.berth(["import", await busyboxTar(), "busybox"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
  });
  after(async () => {
    await d?.stop();
  });

  test("run --rm prints output and exits with the container's code", async () => {
    const r = await d.berth(["run", "--rm", "busybox", "echo", "hello from berth"]);
    assert.equal(r.stdout, "hello from berth\n", r.stderr);
    assert.equal(r.code, 0);
    const e = await d.berth(["run", "--rm", "busybox", "sh", "-c", "echo oops >&2; exit 42"]);
    assert.equal(e.code, 42);
    assert.equal(e.stderr, "oops\n");
    assert.equal((await d.berth(["ps", "-aq"])).stdout.trim(), "");
  });

  test("exit codes 125, 126, 127 as Docker", async () => {
    const noImage = await d.berth(["run", "--rm", "nosuchimage:1", "true"]);
    assert.equal(noImage.code, 125);
    assert.match(noImage.stderr, /nosuchimage/);
    assert.equal((await d.berth(["run", "--rm", "busybox", "/nonexistent"])).code, 127);
    assert.equal((await d.berth(["run", "--rm", "busybox", "/etc"])).code, 126);
    const badFlag = await d.berth(["run", "--no-such-flag", "busybox", "true"]);
    assert.equal(badFlag.code, 125);
  });

  test("stdin piping with -i", async () => {
    const r = await d.berth(["run", "--rm", "-i", "busybox", "sh", "-c", "tr a-z A-Z"], { input: "shout\n" });
    assert.equal(r.stdout, "SHOUT\n", r.stderr);
  });

  test("detached run, logs, ps, inspect, stop, rm", async () => {
    const id = (await d.berth(["run", "-d", "--name", "bg", "busybox", "sh", "-c", "echo ready; exec sleep 300"])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    let logs = "";
    for (let i = 0; i < 50 && !logs; i++) {
      logs = (await d.berth(["logs", "bg"])).stdout;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(logs, "ready\n");
    const ps = await d.berth(["ps"]);
    assert.match(ps.stdout.split("\n")[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    assert.match(ps.stdout, new RegExp(`${id.slice(0, 12)}\\s+busybox\\s+"sh -c '?echo ready.*Up .*bg`));
    assert.equal((await d.berth(["inspect", "-f", "{{.State.Running}}", "bg"])).stdout.trim(), "true");
    assert.equal((await d.berth(["stop", "-t", "1", "bg"])).code, 0);
    assert.match((await d.berth(["ps", "-a", "--format", "{{.Names}} {{.Status}}"])).stdout, /^bg Exited \(137\)/);
    assert.equal((await d.berth(["rm", "bg"])).code, 0);
    const gone = await d.berth(["inspect", "bg"]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such object: bg|No such container: bg/);
  });

  test("images, tag, save, rmi, load", async () => {
    const file = path.join(d.root, "bb.tar");
    const id = (await d.berth(["image", "inspect", "-f", "{{.Id}}", "busybox"])).stdout.trim();
    assert.equal((await d.berth(["tag", "busybox", "mine:v2"])).code, 0);
    assert.match((await d.berth(["images"])).stdout, /mine\s+v2/);
    assert.equal((await d.berth(["save", "-o", file, "mine:v2"])).code, 0);
    assert.equal((await d.berth(["rmi", "mine:v2"])).code, 0);
    const load = await d.berth(["load", "-i", file]);
    assert.match(load.stdout, /Loaded image: mine:v2/);
    assert.equal((await d.berth(["image", "inspect", "-f", "{{.Id}}", "mine:v2"])).stdout.trim(), id);
  });

  test("version and info", async () => {
    const v = await d.berth(["version"]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /Server/);
    assert.match(v.stdout, /1\.43/);
    assert.equal((await d.berth(["info"])).code, 0);
  });
});
