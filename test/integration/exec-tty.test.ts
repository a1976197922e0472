/**
 * docker exec -t against berthd, driven by the real docker CLI inside a real
 * pseudo-terminal (util-linux `script`): the exec'd shell has a terminal of
 * the client's size, input echoes, a resize reaches it, and the exit code
 * comes back. Also: exec -t without -i, and the API's raw (unframed) stream.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DOCKER, importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";
import { inPty } from "./pty.js";


describe("docker exec -t with the docker CLI", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
    const r = await d.docker(["run", "-d", "--name", "box", "-e", "FOO=bar", "busybox", "sleep", "300"]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await d?.stop();
  });

  test("exec -it: the client's terminal size, echo, the container's env, exit code", async () => {
    const r = await inPty(d, `${DOCKER} exec -it box sh`, [1000, "stty size\n", 400, "echo tty-$((6*7)) $FOO $TERM\n", 400, "tty\n", 400, "exit 7\n"]);
    assert.match(r.out, /40 100\r\n/, r.out);
    assert.match(r.out, /tty-42 bar xterm\r\n/, r.out);
    assert.match(r.out, /\/dev\/pts\/\d+\r\n/, r.out);
    assert.equal(r.code, 7, r.out);
  });

  test("exec -t without -i runs a command in a terminal", async () => {
    const r = await d.docker(["exec", "-t", "box", "sh", "-c", "test -t 1 && echo is-a-tty; exit 3"]);
    assert.equal(r.stdout, "is-a-tty\r\n");
    assert.equal(r.code, 3);
  });

  test("API: raw stream, resize of the exec's terminal, ExitCode in inspect", async () => {
    const create = await d.api("POST", "/containers/box/exec", { Cmd: ["sh", "-c", "sleep 1; stty size"], Tty: true, AttachStdout: true, ConsoleSize: [10, 20] });
    assert.equal(create.status, 201);
    const id = create.json().Id;
    assert.equal((await d.api("POST", `/exec/${id}/resize?h=-1&w=5`)).status, 400);
    const started = d.api("POST", `/exec/${id}/start`, { Detach: false, Tty: true });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await d.api("POST", `/exec/${id}/resize?h=33&w=77`)).status, 200);
    const res = await started;
    assert.equal(res.body.toString(), "33 77\r\n", "raw, unframed output with the new size");
    let info;
    for (let i = 0; i < 40; i++) {
      info = (await d.api("GET", `/exec/${id}/json`)).json();
      if (!info.Running) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(info.ExitCode, 0);
    assert.equal(info.ProcessConfig.tty, true);
  });

  test("a command that cannot start: 127, and the container is unharmed", async () => {
    const r = await d.docker(["exec", "-t", "box", "no-such-cmd"]);
    assert.equal(r.code, 127, r.stdout + r.stderr);
    assert.equal((await d.docker(["exec", "box", "echo", "ok"])).stdout, "ok\n");
  });
});
