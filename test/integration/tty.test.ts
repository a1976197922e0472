/**
 * TTY containers driven by the real docker CLI inside a real pseudo-terminal
 * (util-linux `script`): `run -it` gets a terminal of the client's size,
 * echoes, returns the shell's exit code; Ctrl-P Ctrl-Q detaches and the
 * container keeps running; `docker attach` gets back in.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DOCKER, importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";
import { inPty } from "./pty.js";


describe("TTY containers with the docker CLI", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("run -it: the terminal has the client's size, input echoes, the exit code comes back", async () => {
    const r = await inPty(d, `${DOCKER} run -it --rm busybox sh`, [1200, "stty size\n", 500, "echo tty-$((6*7))\n", 500, "exit 3\n"]);
    assert.match(r.out, /40 100\r\n/);
    assert.match(r.out, /tty-42\r\n/);
    assert.equal(r.code, 3, r.out);
  });

  test("Ctrl-P Ctrl-Q detaches; the container keeps running; attach gets back in", async () => {
    const first = await inPty(d, `${DOCKER} run -it --name keep busybox sh`, [1200, "echo before\n", 500, "\x10\x11"]);
    assert.match(first.out, /before\r\n/);
    assert.equal(first.code, 0, first.out);
    const st = JSON.parse((await d.docker(["inspect", "keep"])).stdout)[0].State;
    assert.equal(st.Status, "running");
    const again = await inPty(d, `${DOCKER} attach keep`, [1000, "echo again\n", 500, "exit 4\n"]);
    assert.match(again.out, /again\r\n/);
    const end = JSON.parse((await d.docker(["inspect", "keep"])).stdout)[0].State;
    assert.equal(end.Status, "exited");
    assert.equal(end.ExitCode, 4);
  });

  test("resize on a non-TTY container is accepted and ignored; bad sizes are 400", async () => {
    const id = (await d.docker(["run", "-d", "busybox", "sleep", "30"])).stdout.trim();
    assert.equal((await d.api("POST", `/containers/${id}/resize?h=10&w=20`)).status, 200);
    assert.equal((await d.api("POST", `/containers/${id}/resize?h=-1&w=20`)).status, 400);
    assert.equal((await d.api("POST", `/containers/${id}/resize?h=x&w=20`)).status, 400);
    await d.docker(["rm", "-f", id]);
  });
});
