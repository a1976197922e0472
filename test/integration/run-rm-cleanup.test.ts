/**
 * `run --rm` answers once the container is gone from the API's view; its runtime state and disk are removed
 * right after, in the background. These tests check that the background work really happens, and that runtime
 * state a crash left without a record is deleted at the next start.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { busyboxTar, eventually, importBusybox, isRoot, runCmd, startDaemon, type TestDaemon } from "./harness.js";

async function entries(dir: string): Promise<string[]> {
  return (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{64}$/.test(n));
}

describe("run --rm cleanup", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("runtime state, snapshot and exec-root dirs are gone soon after run --rm answers", async () => {
    for (const code of ["0", "3"]) {
      const r = await d.docker(["run", "--rm", "busybox", "sh", "-c", `exit ${code}`]);
      assert.equal(String(r.code), code, r.stderr);
    }
    assert.equal((await d.docker(["ps", "-aq"])).stdout.trim(), "");
    await eventually("runc state", () => entries(path.join(d.execRoot, "runtime", "runc")));
    await eventually("snapshots", () => entries(path.join(d.dataRoot, "layers", "snapshots")));
    await eventually("exec-root container dirs", () => entries(path.join(d.execRoot, "containers")));
    await eventually("exit files", () => entries(path.join(d.execRoot, "exits")));
  });

  test("stopped runtime state without a record (a crash before the background delete) is deleted at start", async (t) => {
    const bundle = await fs.mkdtemp(path.join(d.root, "bundle-"));
    await fs.mkdir(path.join(bundle, "rootfs"));
    assert.equal((await runCmd(["tar", "-xf", await busyboxTar(), "-C", path.join(bundle, "rootfs")])).code, 0);
    assert.equal((await runCmd(["runc", "spec", "--bundle", bundle])).code, 0);
    const spec = JSON.parse(await fs.readFile(path.join(bundle, "config.json"), "utf8"));
    spec.process.terminal = false;
    spec.process.args = ["true"];
    spec.linux.cgroupsPath = `/${d.cgroupParent}/orphan`;
    await fs.writeFile(path.join(bundle, "config.json"), JSON.stringify(spec));
    const root = path.join(d.execRoot, "runtime", "runc");
    const id = "0".repeat(63) + "1";
    t.after(() => runCmd(["runc", "--root", root, "delete", "--force", id]));
    await d.stopDaemon("SIGKILL");
    const run = await runCmd(["runc", "--root", root, "run", "--detach", "--bundle", bundle, id]);
    assert.equal(run.code, 0, run.stderr);
    await eventually("the orphan's process", async () => {
      const st = await runCmd(["runc", "--root", root, "state", id]);
      return JSON.parse(st.stdout).status === "stopped" ? [] : [id];
    });
    await d.start();
    await eventually("the orphan's runtime state", () => entries(root));
  });
});
