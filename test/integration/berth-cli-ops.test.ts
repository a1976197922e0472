/**
 * Issue 6 from berth's own CLI: exec (plain, -i, -e/-w/-u, -it in a pty),
 * run -it, attach after Ctrl-P Ctrl-Q, pause/unpause, top, stats, events,
 * cp, diff, export, commit, update, restart, port, system df and the prunes —
 * checked by what a user sees from `berth …`.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { BERTH, busyboxTar, importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";
import { inPty } from "./pty.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("berth CLI: exec, attach, observe, files, lifecycle", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  const state = async (name: string) => JSON.parse((await d.berth(["inspect", name])).stdout)[0];
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
    const r = await d.berth(["run", "-d", "--name", "box", "busybox", "sleep", "300"]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await d?.stop();
  });

  test("exec: output, exit code, -i stdin, -e/-w/-u", async () => {
    const r = await d.berth(["exec", "box", "echo", "hi"]);
    assert.equal(r.stdout, "hi\n", r.stderr);
    assert.equal(r.code, 0);
    assert.equal((await d.berth(["exec", "box", "sh", "-c", "exit 3"])).code, 3);
    const i = await d.berth(["exec", "-i", "box", "tr", "a-z", "A-Z"], { input: "piped\n" });
    assert.equal(i.stdout, "PIPED\n", i.stderr);
    const ewu = await d.berth(["exec", "-e", "FOO=bar", "-w", "/tmp", "-u", "1000", "box", "sh", "-c", "echo $FOO $(pwd) $(id -u)"]);
    assert.equal(ewu.stdout, "bar /tmp 1000\n", ewu.stderr);
  });

  test("exec -it in a pty: terminal size and exit code", async () => {
    const r = await inPty(d, `node ${BERTH} exec -it box sh`, [1000, "stty size\n", 400, "exit 5\n"]);
    assert.match(r.out, /40 100\r\n/, r.out);
    assert.equal(r.code, 5, r.out);
  });

  test("run -it in a pty: terminal size and exit code", async () => {
    const r = await inPty(d, `node ${BERTH} run -it --rm busybox sh`, [1200, "stty size\n", 400, "exit 6\n"]);
    assert.match(r.out, /40 100\r\n/, r.out);
    assert.equal(r.code, 6, r.out);
  });

  test("Ctrl-P Ctrl-Q detaches; attach gets back in", async () => {
    const first = await inPty(d, `node ${BERTH} run -it --name keep busybox sh`, [1200, "echo before\n", 500, "\x10\x11"]);
    assert.match(first.out, /before\r\n/, first.out);
    assert.equal(first.code, 0, first.out);
    assert.equal((await state("keep")).State.Status, "running");
    const again = await inPty(d, `node ${BERTH} attach keep`, [1000, "echo again\n", 500, "exit 4\n"]);
    assert.match(again.out, /again\r\n/, again.out);
    const end = (await state("keep")).State;
    assert.equal(end.Status, "exited");
    assert.equal(end.ExitCode, 4);
  });

  test("pause / unpause", async () => {
    assert.equal((await d.berth(["pause", "box"])).code, 0);
    assert.equal((await state("box")).State.Status, "paused");
    assert.equal((await d.berth(["unpause", "box"])).code, 0);
    assert.equal((await state("box")).State.Status, "running");
  });

  test("top shows the sleep process", async () => {
    const r = await d.berth(["top", "box"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /PID/);
    assert.match(r.stdout, /sleep 300/);
  });

  test("events --since 0 --until now: create, start, die, destroy", async () => {
    assert.equal((await d.berth(["run", "--rm", "--name", "ev1", "busybox", "true"])).code, 0);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    await sleep(1100);
    const r = await d.berth(["events", "--since", "0", "--until", until], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n").filter((l) => /name=ev1\b/.test(l));
    for (const a of ["create", "start", "die", "destroy"]) assert.ok(lines.some((l) => new RegExp(`container ${a} `).test(l)), `${a} in:\n${r.stdout}`);
  });

  test("cp in and out keeps the file mode", async () => {
    const src = path.join(d.root, "script.sh");
    await fs.writeFile(src, "#!/bin/sh\necho copied\n");
    await fs.chmod(src, 0o754);
    assert.equal((await d.berth(["cp", src, "box:/tmp/script.sh"])).code, 0);
    assert.equal((await d.berth(["exec", "box", "stat", "-c", "%a", "/tmp/script.sh"])).stdout, "754\n");
    assert.equal((await d.berth(["exec", "box", "/tmp/script.sh"])).stdout, "copied\n");
    const out = path.join(d.root, "back.sh");
    const r = await d.berth(["cp", "box:/tmp/script.sh", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await fs.readFile(out, "utf8"), "#!/bin/sh\necho copied\n");
    assert.equal((await fs.stat(out)).mode & 0o777, 0o754);
  });

  test("diff shows A /tmp/x", async () => {
    assert.equal((await d.berth(["exec", "box", "touch", "/tmp/x"])).code, 0);
    const r = await d.berth(["diff", "box"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^A \/tmp\/x$/m, r.stdout);
  });

  test("export writes a tar that lists a file", async () => {
    const out = path.join(d.root, "box.tar");
    const r = await d.berth(["export", "-o", out, "box"]);
    assert.equal(r.code, 0, r.stderr);
    const list = execFileSync("tar", ["-tf", out]).toString();
    assert.match(list, /^(\.\/)?bin\/busybox$/m);
    assert.match(list, /^(\.\/)?tmp\/x$/m);
  });

  test("commit -c CMD, then run prints the file", async () => {
    assert.equal((await d.berth(["exec", "box", "sh", "-c", "echo committed > /f"])).code, 0);
    const c = await d.berth(["commit", "-c", 'CMD ["cat","/f"]', "box", "snap:1"]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    const r = await d.berth(["run", "--rm", "snap:1"]);
    assert.equal(r.stdout, "committed\n", r.stderr);
  });

  test("update --memory 64m", async () => {
    const r = await d.berth(["update", "--memory", "64m", "box"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await state("box")).HostConfig.Memory, 67108864);
  });

  test("stats --no-stream: a row with the name, usage and the 64MiB limit set by update", async () => {
    const r = await d.berth(["stats", "--no-stream", "box"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{12}\s+box\s+\d+\.\d\d%\s+\d+(\.\d+)?[KMG]?i?B \/ 64MiB\s/m, r.stdout);
  });

  test("restart gives a new process, still running", async () => {
    const before = (await state("box")).State;
    const r = await d.berth(["restart", "-t", "1", "box"]);
    assert.equal(r.code, 0, r.stderr);
    const now = (await state("box")).State;
    assert.equal(now.Status, "running");
    assert.notEqual(now.Pid, before.Pid);
    assert.notEqual(now.StartedAt, before.StartedAt);
  });

  test("port with no published ports: empty, exit 0", async () => {
    const r = await d.berth(["port", "box"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
  });

  test("system df", async () => {
    const r = await d.berth(["system", "df"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE/);
    assert.match(r.stdout, /Images\s+2\s/);
    assert.match(r.stdout, /Containers\s+2\s+1\s/);
  });

  test("container prune -f and image prune -f", async () => {
    const keepId = (await state("keep")).Id;
    const cp = await d.berth(["container", "prune", "-f"]);
    assert.equal(cp.code, 0, cp.stderr);
    assert.match(cp.stdout, new RegExp(keepId));
    assert.match(cp.stdout, /Total reclaimed space/);
    assert.equal((await d.berth(["ps", "-a", "--format", "{{.Names}}"])).stdout.trim(), "box");

    const imp = await d.berth(["import", await busyboxTar()]);
    assert.equal(imp.code, 0, imp.stderr);
    const dangling = imp.stdout.trim();
    assert.match(dangling, /^sha256:/);
    const ip = await d.berth(["image", "prune", "-f"]);
    assert.equal(ip.code, 0, ip.stderr);
    assert.match(ip.stdout, new RegExp(`deleted: ${dangling}`), ip.stdout);
    assert.match(ip.stdout, /Total reclaimed space/);
    assert.notEqual((await d.berth(["image", "inspect", dangling])).code, 0);
    assert.equal((await d.berth(["image", "inspect", "busybox"])).code, 0);
  });
});
