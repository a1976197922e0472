import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InvalidArgumentError } from "../errors/index.js";
import { loadConfig, parseFlags, readConfigFile } from "./config.js";

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "berth-config-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("parseFlags", () => {
  test("-H unix:///x sets the socket path", () => {
    assert.deepEqual(parseFlags(["-H", "unix:///x"]), { flags: { socketPath: "/x" }, help: false });
    assert.equal(parseFlags(["--host=unix:///run/b.sock"]).flags.socketPath, "/run/b.sock");
    assert.equal(parseFlags(["-H", "/plain.sock"]).flags.socketPath, "/plain.sock");
  });
  test("--data-root=/d and --data-root /d", () => {
    assert.equal(parseFlags(["--data-root=/d"]).flags.dataRoot, "/d");
    assert.equal(parseFlags(["--data-root", "/d"]).flags.dataRoot, "/d");
  });
  test("several flags together", () => {
    assert.deepEqual(parseFlags(["--exec-root", "/e", "-p", "/p.pid", "--runtime=crun", "--cgroup-parent", "cg", "--config-file", "/c.json", "-D"]).flags, {
      execRoot: "/e",
      pidFile: "/p.pid",
      runtime: "crun",
      cgroupParent: "cg",
      configFile: "/c.json",
      debug: true,
    });
  });
  test("--help", () => {
    assert.equal(parseFlags(["--help"]).help, true);
    assert.equal(parseFlags(["-h"]).help, true);
  });
  test("an unknown flag is an error naming it", () => {
    assert.throws(() => parseFlags(["--bogus"]), (e: unknown) => e instanceof InvalidArgumentError && e.message === "unknown flag: --bogus");
  });
  test("a flag without its value is an error", () => {
    assert.throws(() => parseFlags(["--data-root"]), (e: unknown) => e instanceof InvalidArgumentError && /needs an argument: --data-root/.test(e.message));
  });
  test("--insecure-registry is repeatable and validated", () => {
    assert.deepEqual(parseFlags(["--insecure-registry", "reg.lan:5000", "--insecure-registry=10.0.0.0/8", "--insecure-registry", "[fd00::1]:5000"]).flags, {
      insecureRegistries: ["reg.lan:5000", "10.0.0.0/8", "[fd00::1]:5000"],
    });
    const bad = (v: string, re: RegExp) =>
      assert.throws(() => parseFlags(["--insecure-registry", v]), (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message), v);
    bad("http://reg.lan:5000", /should not contain ':\/\/'/);
    bad("10.0.0.0/33", /not a valid IPv4 CIDR/);
    bad("300.0.0.0/8", /not a valid IPv4 CIDR/);
    bad("reg.lan/path", /not a valid IPv4 CIDR/);
    bad("reg.lan:99999", /not a valid host\[:port\]/);
    bad("", /must not be empty/);
    assert.throws(() => parseFlags(["--insecure-registry"]), /needs an argument: --insecure-registry/);
  });
  test("tcp:// hosts are rejected", () => {
    assert.throws(() => parseFlags(["-H", "tcp://0.0.0.0:2375"]), (e: unknown) => e instanceof InvalidArgumentError && /only unix:\/\//.test(e.message));
  });
});

describe("readConfigFile", () => {
  test("valid JSON with Docker's key names", async (t) => {
    const f = path.join(await tempDir(t), "daemon.json");
    await writeFile(f, JSON.stringify({ "data-root": "/d", "exec-root": "/e", pidfile: "/p", "default-runtime": "crun", "cgroup-parent": "cg", hosts: ["unix:///s.sock"], debug: true, "log-level": "info" }));
    assert.deepEqual(await readConfigFile(f, true), { dataRoot: "/d", execRoot: "/e", pidFile: "/p", runtime: "crun", cgroupParent: "cg", socketPath: "/s.sock", debug: true });
  });
  test("invalid JSON", async (t) => {
    const f = path.join(await tempDir(t), "daemon.json");
    await writeFile(f, "{ nope");
    await assert.rejects(readConfigFile(f, false), (e: unknown) => e instanceof InvalidArgumentError && /not valid JSON/.test(e.message));
  });
  test("not an object", async (t) => {
    const f = path.join(await tempDir(t), "daemon.json");
    await writeFile(f, "[]");
    await assert.rejects(readConfigFile(f, false), InvalidArgumentError);
  });
  test("wrong types are errors naming the key", async (t) => {
    const f = path.join(await tempDir(t), "daemon.json");
    await writeFile(f, JSON.stringify({ "data-root": 5 }));
    await assert.rejects(readConfigFile(f, false), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes('"data-root" must be a string'));
    await writeFile(f, JSON.stringify({ hosts: ["tcp://1.2.3.4:2375"] }));
    await assert.rejects(readConfigFile(f, false), InvalidArgumentError);
  });
  test("insecure-registries: a list of host:port or CIDR strings", async (t) => {
    const f = path.join(await tempDir(t), "daemon.json");
    await writeFile(f, JSON.stringify({ "insecure-registries": ["reg.lan:5000", "192.168.0.0/16"] }));
    assert.deepEqual(await readConfigFile(f, true), { insecureRegistries: ["reg.lan:5000", "192.168.0.0/16"] });
    for (const v of ["reg.lan:5000", [5000], { a: 1 }, null]) {
      await writeFile(f, JSON.stringify({ "insecure-registries": v }));
      await assert.rejects(readConfigFile(f, true), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes('"insecure-registries" must be an array of strings'));
    }
    await writeFile(f, JSON.stringify({ "insecure-registries": ["https://reg.lan"] }));
    await assert.rejects(readConfigFile(f, true), (e: unknown) => e instanceof InvalidArgumentError && /"insecure-registries": .*should not contain/.test(e.message));
  });
  test("a missing file is {} unless it must exist", async (t) => {
    const f = path.join(await tempDir(t), "missing.json");
    assert.deepEqual(await readConfigFile(f, false), {});
    await assert.rejects(readConfigFile(f, true), (e: unknown) => e instanceof InvalidArgumentError && /cannot read config file/.test(e.message));
  });
});

describe("loadConfig", () => {
  test("flags override the file, which overrides the defaults; the pid file follows exec-root", async (t) => {
    const f = path.join(await tempDir(t), "daemon.json");
    await writeFile(f, JSON.stringify({ "data-root": "/from-file", "exec-root": "/exec-file" }));
    const { config } = await loadConfig(["--config-file", f, "--data-root", "/from-flag"]);
    assert.equal(config.dataRoot, "/from-flag");
    assert.equal(config.execRoot, "/exec-file");
    assert.equal(config.pidFile, "/exec-file/berthd.pid");
    assert.equal(config.socketPath, "/run/berth/berth.sock");
    assert.equal(config.configFile, f);
  });
  test("insecure registries from the file and the flags are combined; the default is none", async (t) => {
    const f = path.join(await tempDir(t), "daemon.json");
    await writeFile(f, JSON.stringify({ "insecure-registries": ["a.lan:5000", "10.0.0.0/8"] }));
    const { config } = await loadConfig(["--config-file", f, "--insecure-registry", "b.lan:5000", "--insecure-registry", "a.lan:5000"]);
    assert.deepEqual(config.insecureRegistries, ["a.lan:5000", "10.0.0.0/8", "b.lan:5000"]);
    await writeFile(f, "{}");
    assert.deepEqual((await loadConfig(["--config-file", f])).config.insecureRegistries, []);
  });
  test("an explicit --config-file must exist", async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(loadConfig(["--config-file", path.join(dir, "nope.json")]), InvalidArgumentError);
  });
});
