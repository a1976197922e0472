/**
 * The registry issue's interop ring: berthd pushes to `berth registry serve`,
 * the real Docker engine (Debian's docker.io) pulls from it and runs the
 * image, pushes its own tag back, and berthd pulls that and runs it — image
 * IDs identical all the way round.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startRegistry } from "../../src/registry/server/serve.js";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";
import { hasDockerd, startPeerDocker, type PeerDocker } from "./peer-docker.js";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

describe("berth registry ↔ berthd ↔ Docker engine", { skip: (!isRoot && "needs root") || (!hasDockerd && "docker.io is not installed (scripts/setup.sh installs it)") }, () => {
  let d: TestDaemon;
  let peer: PeerDocker;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let regRoot: string;
  let host: string;
  before(async () => {
    regRoot = await fs.mkdtemp(path.join(os.tmpdir(), "reg-"));
    registry = await startRegistry({ root: regRoot, host: "127.0.0.1", port: 0 });
    host = `127.0.0.1:${registry.port}`;
    [d, peer] = await Promise.all([startDaemon(), startPeerDocker()]);
  });
  after(async () => {
    await Promise.all([d?.stop(), peer?.stop()]);
    await registry?.close();
    await fs.rm(regRoot, { recursive: true, force: true });
  });

  test("berthd push → docker pull and run → docker push → berthd pull and run", async () => {
    const id = await importBusybox(d, "ring:1");
    assert.equal((await d.docker(["tag", "ring:1", `${host}/ring/bb:1`])).code, 0);
    const push = await d.docker(["push", `${host}/ring/bb:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /1: digest: sha256:[0-9a-f]{64} size: \d+/);

    const pull = await peer.docker(["pull", `${host}/ring/bb:1`]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await peer.docker(["image", "inspect", "-f", "{{.Id}}", `${host}/ring/bb:1`])).stdout.trim(), id);
    const run = await peer.docker(["run", "--rm", "--network", "none", `${host}/ring/bb:1`, "echo", "in docker"]);
    assert.equal(run.stdout, "in docker\n", run.stderr);

    assert.equal((await peer.docker(["tag", `${host}/ring/bb:1`, `${host}/ring/from-docker:2`])).code, 0);
    const dpush = await peer.docker(["push", `${host}/ring/from-docker:2`]);
    assert.equal(dpush.code, 0, dpush.stderr);
    assert.match(dpush.stdout, /already exists|Mounted from/);

    const bpull = await d.docker(["pull", `${host}/ring/from-docker:2`]);
    assert.equal(bpull.code, 0, bpull.stderr);
    assert.equal((await d.docker(["image", "inspect", "-f", "{{.Id}}", `${host}/ring/from-docker:2`])).stdout.trim(), id);
    const brun = await d.docker(["run", "--rm", `${host}/ring/from-docker:2`, "echo", "back in berth"]);
    assert.equal(brun.stdout, "back in berth\n", brun.stderr);

    const tags = await (await fetch(`http://${host}/v2/ring/bb/tags/list`)).json();
    assert.deepEqual(tags, { name: "ring/bb", tags: ["1"] });
  });
});
