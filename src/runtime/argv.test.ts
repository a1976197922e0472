import { test } from "node:test";
import assert from "node:assert/strict";
import { conmonArgs } from "./conmon-args.js";
import { createFailureCode } from "./create-error.js";
import { parseExitCode, parseOomKillCount } from "./exit-record.js";
import { parseSyncMessage } from "./conmon-runtime.js";
import { normalizeSignal, runtimeArgs } from "./runtime-args.js";
import { chooseRuntime, parseCgroupLayout } from "./runtime-select.js";

const cli = { path: "/usr/sbin/runc", root: "/run/berth/runtime/runc" };

test("runtime argv: --root before the subcommand", () => {
  assert.deepEqual(runtimeArgs.start(cli, "c1"), ["/usr/sbin/runc", "--root", "/run/berth/runtime/runc", "start", "c1"]);
  assert.deepEqual(runtimeArgs.kill(cli, "c1", "term", true).slice(3), ["kill", "--all", "c1", "SIGTERM"]);
  assert.deepEqual(runtimeArgs.delete(cli, "c1").slice(3), ["delete", "--force", "c1"]);
  assert.deepEqual(runtimeArgs.state(cli, "c1").slice(3), ["state", "c1"]);
});

test("signals normalise", () => {
  assert.equal(normalizeSignal("SIGKILL"), "SIGKILL");
  assert.equal(normalizeSignal("hup"), "SIGHUP");
  assert.equal(normalizeSignal(9), "9");
  assert.equal(normalizeSignal("15"), "15");
  assert.equal(normalizeSignal("SIGRTMIN+3"), "SIGRTMIN+3");
  assert.throws(() => normalizeSignal("no way"));
  assert.throws(() => normalizeSignal(0));
});

test("conmon argv", () => {
  const argv = conmonArgs({
    conmonPath: "/usr/bin/conmon",
    runtimePath: "/usr/sbin/runc",
    runtimeRoot: "/run/berth/runtime/runc",
    id: "abc",
    bundleDir: "/b",
    containerPidFile: "/st/pid",
    conmonPidFile: "/st/conmon.pid",
    exitDir: "/ex",
    persistDir: "/st",
    logPath: "/l/abc.log",
    socketDir: "/run/berth/s",
    tty: false,
    openStdin: true,
  });
  const s = argv.join(" ");
  assert.equal(argv[0], "/usr/bin/conmon");
  assert.match(s, /--api-version 1 -c abc -u abc -n abc -r \/usr\/sbin\/runc --runtime-arg --root=\/run\/berth\/runtime\/runc -b \/b/);
  assert.match(s, /-l k8s-file:\/l\/abc\.log/);
  assert.match(s, /--exit-dir \/ex -0 \/st/);
  assert.match(s, /--socket-dir-path \/run\/berth\/s/);
  assert.ok(argv.includes("-i") && !argv.includes("-t") && !argv.includes("--leave-stdin-open"));
});

test("sync pipe messages", () => {
  assert.deepEqual(parseSyncMessage('{"data": 4983}\n'), { data: 4983 });
  assert.equal(parseSyncMessage('{"data": -1, "mess'), undefined);
  assert.deepEqual(parseSyncMessage('{"data": -1, "message": "runc create failed: x\\n"}\n'), {
    data: -1,
    message: "runc create failed: x\n",
  });
});

test("create failures map to Docker's exit codes", () => {
  const nf = 'runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH';
  assert.equal(createFailureCode(nf, "nope"), 127);
  assert.equal(createFailureCode('exec: "/etc": permission denied', "/etc"), 126);
  assert.equal(createFailureCode("mount /x: no such file or directory", "sh"), 125);
});

test("exit and oom records", () => {
  assert.equal(parseExitCode("137"), 137);
  assert.equal(parseExitCode(""), undefined);
  assert.equal(parseOomKillCount("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"), 1);
  assert.equal(parseOomKillCount("low 0\nhigh 0\nmax 3\noom 2\noom_kill 0\n"), 0);
});

test("runtime choice by cgroup layout", () => {
  const line = (mp: string, fs: string) => `30 23 0:26 / ${mp} rw,relatime shared:5 - ${fs} x rw`;
  const hybrid = [line("/sys/fs/cgroup", "tmpfs"), line("/sys/fs/cgroup/memory", "cgroup"), line("/sys/fs/cgroup/unified", "cgroup2")];
  assert.equal(parseCgroupLayout(hybrid.join("\n")), "hybrid");
  assert.equal(parseCgroupLayout(line("/sys/fs/cgroup", "cgroup2")), "unified");
  assert.equal(parseCgroupLayout(line("/sys/fs/cgroup/memory", "cgroup")), "legacy");
  const both = new Map([
    ["runc", "/usr/sbin/runc"],
    ["crun", "/usr/bin/crun"],
  ]);
  assert.equal(chooseRuntime({ layout: "hybrid", available: both }).name, "runc");
  assert.equal(chooseRuntime({ layout: "unified", available: both }).name, "crun");
  assert.equal(chooseRuntime({ layout: "hybrid", available: both, requested: "crun" }).name, "crun");
  assert.equal(chooseRuntime({ layout: "unified", available: new Map([["runc", "/r"]]) }).name, "runc");
  assert.throws(() => chooseRuntime({ layout: "hybrid", available: both, requested: "kata" }), /unknown or invalid runtime/);
});

test("runc's log line becomes Docker's create error text", async () => {
  const { RuntimeCreateError } = await import("./create-error.js");
  const stderr = 'time="2026-11-27T11:42:43Z" level=error msg="runc create failed: exec: \\"/bin/nope\\": stat /bin/nope: no such file or directory"\n';
  const err = new RuntimeCreateError(["/usr/sbin/runc", "create", "x"], stderr, "/bin/nope");
  assert.equal(err.message, 'OCI runtime create failed: runc create failed: exec: "/bin/nope": stat /bin/nope: no such file or directory');
  assert.equal(err.containerExitCode, 127);
  assert.equal(err.stderr, stderr);
});
