/**
 * Images move between berth and the real Docker engine (Debian's docker.io,
 * started privately by the test): berth's `save` loads into dockerd with the
 * same image ID and runs there; dockerd's `save` loads into berth with the
 * same ID and runs here.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { busyboxTar, isRoot, startDaemon, type TestDaemon } from "./harness.js";
import { hasDockerd, startPeerDocker, type PeerDocker } from "./peer-docker.js";

describe("image interop with the Docker engine", { skip: (!isRoot && "needs root") || (!hasDockerd && "docker.io is not installed (scripts/setup.sh installs it)") }, () => {
  let d: TestDaemon;
  let peer: PeerDocker;
  before(async () => {
    [d, peer] = await Promise.all([startDaemon(), startPeerDocker()]);
  });
  after(async () => {
    await Promise.all([d?.stop(), peer?.stop()]);
  });

  test("berth save → docker load: same ID, runs in Docker", async () => {
    const imp = await d.docker(["import", "--change", 'CMD ["echo", "from berth"]', await busyboxTar(), "interop/bb:1"]);
    assert.equal(imp.code, 0, imp.stderr);
    const id = imp.stdout.trim();
    const file = path.join(d.root, "berth-save.tar");
    assert.equal((await d.docker(["save", "-o", file, "interop/bb:1"])).code, 0);
    const load = await peer.docker(["load", "-i", file]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /Loaded image: interop\/bb:1/);
    assert.equal((await peer.docker(["image", "inspect", "-f", "{{.Id}}", "interop/bb:1"])).stdout.trim(), id);
    const run = await peer.docker(["run", "--rm", "--network", "none", "interop/bb:1"]);
    assert.equal(run.stdout, "from berth\n", run.stderr);
  });

  test("docker save → berth load: same ID, runs in berth", async () => {
    const imp = await peer.docker(["import", "--change", "ENV FROM=docker", await busyboxTar(), "fromdocker:2"]);
    assert.equal(imp.code, 0, imp.stderr);
    const id = imp.stdout.trim();
    const file = path.join(d.root, "docker-save.tar");
    assert.equal((await peer.docker(["save", "-o", file, "fromdocker:2"])).code, 0);
    const load = await d.docker(["load", "-i", file]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal((await d.docker(["image", "inspect", "-f", "{{.Id}}", "fromdocker:2"])).stdout.trim(), id);
    const run = await d.docker(["run", "--rm", "fromdocker:2", "sh", "-c", "echo $FROM"]);
    assert.equal(run.stdout, "docker\n", run.stderr);
  });
});
