/**
 * berthd itself: version negotiation and the headers the CLI reads, error
 * shapes, pid file and data-root lock, SIGTERM without stopping containers,
 * and a restart that finds its running containers again.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, runCmd, startDaemon, TestDaemon, BERTHD, type TestDaemon as TD } from "./harness.js";

describe("berthd", { skip: !isRoot && "needs root" }, () => {
  let d: TD;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("HEAD and GET /_ping carry the headers the docker CLI reads", async () => {
    const head = await d.api("HEAD", "/_ping");
    assert.equal(head.status, 200);
    assert.equal(head.headers["api-version"], "1.43");
    assert.equal(head.headers["ostype"], "linux");
    assert.equal(head.headers["docker-experimental"], "false");
    assert.equal(head.headers["cache-control"], "no-cache, no-store, must-revalidate");
    const get = await d.api("GET", "/v1.41/_ping");
    assert.equal(get.body.toString(), "OK");
  });

  test("versions: prefixes from 1.24 to 1.43 work; others are 400 with Docker's message", async () => {
    for (const v of ["1.24", "1.41", "1.43"]) assert.equal((await d.api("GET", `/v${v}/version`)).status, 200);
    const tooNew = await d.api("GET", "/v1.99/version");
    assert.equal(tooNew.status, 400);
    assert.equal(tooNew.json().message, "client version 1.99 is too new. Maximum supported API version is 1.43");
    const tooOld = await d.api("GET", "/v1.12/version");
    assert.equal(tooOld.status, 400);
    assert.match(tooOld.json().message, /too old/);
    const v = (await d.api("GET", "/version")).json();
    assert.equal(v.ApiVersion, "1.43");
    assert.equal(v.MinAPIVersion, "1.24");
  });

  test("unknown routes are 404 page not found; unknown objects use Docker's messages", async () => {
    const r = await d.api("GET", "/v1.43/no/such/endpoint");
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { message: "page not found" });
    const c = await d.api("GET", "/containers/nope/json");
    assert.equal(c.status, 404);
    assert.equal(c.json().message, "No such container: nope");
    const i = await d.api("GET", "/images/nope:1/json");
    assert.equal(i.status, 404);
    assert.equal(i.json().message, "No such image: nope:1");
  });

  test("docker version and docker info work against berthd", async () => {
    const v = await d.docker(["version", "--format", "{{.Server.APIVersion}}"]);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), "1.43");
    const info = await d.docker(["info", "--format", "{{.Images}} {{.OSType}}"]);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(info.stdout.trim(), "1 linux");
  });

  test("writes a pid file and refuses a second daemon on the same data root", async () => {
    const pid = (await fs.readFile(path.join(d.execRoot, "berthd.pid"), "utf8")).trim();
    assert.equal(Number(pid), d.pid);
    const r = await runCmd([process.execPath, BERTHD, "-H", `unix://${d.root}/other.sock`, "--data-root", d.dataRoot, "--exec-root", `${d.root}/run2`], { timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /in use by berthd/);
    assert.equal((await d.api("GET", "/_ping")).status, 200, "the first daemon still serves");
  });

  test("a container outlives a berthd restart and is still listed and stoppable", async () => {
    const id = (await d.docker(["run", "-d", "--name", "survivor", "busybox", "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const pid = JSON.parse((await d.docker(["inspect", id])).stdout)[0].State.Pid;
    await d.stopDaemon("SIGTERM");
    process.kill(pid, 0); // still alive with berthd down
    await new Promise((r) => setTimeout(r, 500));
    await d.start();
    const st = JSON.parse((await d.docker(["inspect", "survivor"])).stdout)[0].State;
    assert.equal(st.Status, "running");
    assert.equal(st.Pid, pid);
    assert.match((await d.docker(["ps", "--format", "{{.Names}}"])).stdout, /survivor/);
    const logs = (await d.docker(["logs", "survivor"])).stdout;
    assert.ok(logs.split("\n").length > 3, "output written while berthd was down is in the log");
    assert.equal((await d.docker(["stop", "-t", "1", "survivor"])).code, 0);
    assert.equal(JSON.parse((await d.docker(["inspect", "survivor"])).stdout)[0].State.Status, "exited");
    assert.equal((await d.docker(["rm", "survivor"])).code, 0);
  });

  test("an exit while berthd is down (even after kill -9) is recorded at the next start", async () => {
    const id = (await d.docker(["run", "-d", "busybox", "sh", "-c", "sleep 1; exit 3"])).stdout.trim();
    await d.stopDaemon("SIGKILL");
    await new Promise((r) => setTimeout(r, 1800));
    await d.start();
    let st;
    for (let i = 0; i < 40; i++) {
      st = JSON.parse((await d.docker(["inspect", id])).stdout)[0].State;
      if (st.Status === "exited") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(st.Status, "exited");
    assert.equal(st.ExitCode, 3);
    await d.docker(["rm", id]);
  });
});

void TestDaemon;
