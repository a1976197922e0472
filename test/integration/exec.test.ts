/**
 * docker exec against berthd (non-TTY): output and exit codes, the
 * container's env/workdir, -e/-w/-u, stdin with -i, -d, 126/127 for commands
 * that cannot start, 409 on a stopped container, exec inspect.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

describe("docker exec against berthd", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
    const r = await d.docker(["run", "-d", "--name", "box", "-e", "FOO=bar", "-w", "/tmp", "busybox", "sleep", "300"]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await d?.stop();
  });

  test("runs in the container with its env and workdir; exit code and streams come back", async () => {
    const r = await d.docker(["exec", "box", "sh", "-c", 'echo "$FOO $(pwd) $(id -u)"; echo err >&2; exit 3']);
    assert.equal(r.stdout, "bar /tmp 0\n");
    assert.equal(r.stderr, "err\n");
    assert.equal(r.code, 3);
  });

  test("-e, -w and -u override; -i pipes stdin", async () => {
    const r = await d.docker(["exec", "-e", "X=1", "-w", "/", "-u", "nobody", "box", "sh", "-c", "echo $X $FOO $(id -u) $(pwd)"]);
    assert.equal(r.stdout, "1 bar 65534 /\n", r.stderr);
    const i = await d.docker(["exec", "-i", "box", "sh", "-c", "tr a-z A-Z"], { input: "piped\n" });
    assert.equal(i.stdout, "PIPED\n", i.stderr);
  });

  test("-d runs detached; the file it writes is there afterwards", async () => {
    assert.equal((await d.docker(["exec", "-d", "box", "sh", "-c", "echo done > /tmp/detached"])).code, 0);
    let out = "";
    for (let i = 0; i < 30 && out !== "done\n"; i++) {
      out = (await d.docker(["exec", "box", "cat", "/tmp/detached"])).stdout;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(out, "done\n");
  });

  test("not found is 127, not executable 126", async () => {
    const nf = await d.docker(["exec", "box", "no-such-cmd"]);
    assert.equal(nf.code, 127);
    assert.match(nf.stderr, /no-such-cmd/);
    assert.equal((await d.docker(["exec", "box", "/etc"])).code, 126);
  });

  test("exec inspect reports the exit code; unknown exec ids are 404", async () => {
    const create = await d.api("POST", "/containers/box/exec", { Cmd: ["sh", "-c", "exit 9"], AttachStdout: true });
    assert.equal(create.status, 201);
    const id = create.json().Id;
    const start = await d.api("POST", `/exec/${id}/start`, { Detach: false, Tty: false });
    assert.equal(start.status, 200);
    let info;
    for (let i = 0; i < 30; i++) {
      info = (await d.api("GET", `/exec/${id}/json`)).json();
      if (!info.Running) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(info.ExitCode, 9);
    assert.equal(info.Running, false);
    assert.equal((await d.api("POST", `/exec/${id}/start`, { Detach: true })).status, 409, "an exec runs once");
    assert.equal((await d.api("GET", "/exec/nope/json")).status, 404);
    assert.equal((await d.api("POST", "/containers/box/exec", { Cmd: [] })).status, 400);
    assert.equal((await d.api("POST", "/containers/box/exec", { Cmd: 5 })).status, 400);
    assert.equal((await d.api("POST", "/containers/box/exec", "{bad")).status, 400);
  });

  test("exec into a stopped container is a 409", async () => {
    await d.docker(["run", "-d", "--name", "stopped", "busybox", "true"]);
    await d.docker(["wait", "stopped"]);
    const r = await d.docker(["exec", "stopped", "true"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is not running/);
    assert.equal((await d.api("POST", "/containers/stopped/exec", { Cmd: ["true"] })).status, 409);
  });
});
