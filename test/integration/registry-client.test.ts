/**
 * berthd's registry client through the real docker CLI, against Debian's
 * reference registry (distribution 2.8, `docker-registry`), started per test
 * on 127.0.0.1:<free port> with its own storage dir and stopped by PID:
 * push → rmi → pull gives the same image ID and it runs; a missing tag and a
 * corrupted blob fail clearly and register nothing; a second image sharing
 * the layer reports "Layer already exists", and a push to another repository
 * mounts it; login against htpasswd (bcrypt) basic auth, then push and pull
 * with the credentials the CLI keeps in DOCKER_CONFIG.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { busyboxTar, importBusybox, isRoot, runCmd, startDaemon, type TestDaemon } from "./harness.js";

const REGISTRY_BIN = "/usr/bin/docker-registry";
const skip = !isRoot ? "needs root" : !existsSync(REGISTRY_BIN) ? "docker-registry is not installed (apt-get install docker-registry)" : false;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

class TestRegistry {
  constructor(
    readonly dir: string,
    readonly port: number,
    private readonly proc: ChildProcess,
  ) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get storage(): string {
    return path.join(this.dir, "storage");
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const done = new Promise((r) => this.proc.once("exit", r));
      process.kill(this.proc.pid!, "SIGTERM");
      await done;
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

async function startRegistry(o: { user?: string; password?: string } = {}): Promise<TestRegistry> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-reg-"));
  const port = await freePort();
  let auth = "";
  if (o.user) {
    const file = path.join(dir, "htpasswd");
    const r = await runCmd(["htpasswd", "-B", "-b", "-c", file, o.user, o.password ?? ""]);
    if (r.code !== 0) throw new Error(`htpasswd failed (apt-get install apache2-utils): ${r.stderr}`);
    auth = `auth: {htpasswd: {realm: basic-realm, path: ${file}}}\n`;
  }
  const config = path.join(dir, "config.yml");
  await fs.writeFile(config, `version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: ${path.join(dir, "storage")}}, delete: {enabled: true}}\nhttp: {addr: 127.0.0.1:${port}}\n${auth}`);
  const proc = spawn(REGISTRY_BIN, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (b) => (stderr += b));
  const reg = new TestRegistry(dir, port, proc);
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${reg.host}/v2/`).then((r) => r.status === 200 || r.status === 401, () => false);
    if (ok) return reg;
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await reg.stop();
  throw new Error(`docker-registry did not start: ${stderr}`);
}

async function imageIds(d: TestDaemon): Promise<string[]> {
  const r = await d.docker(["images", "-q", "--no-trunc"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split("\n").filter(Boolean).sort();
}

/** Removes an image whatever names it has. */
async function removeImage(d: TestDaemon, id: string): Promise<void> {
  const r = await d.docker(["rmi", "-f", id]);
  assert.equal(r.code, 0, r.stderr);
}

describe("registry client: docker CLI → berthd → docker-registry", { skip }, () => {
  test("push, rmi, pull back the same image ID, run it; a missing tag fails and registers nothing", async () => {
    await using reg = await startRegistry();
    await using d = await startDaemon();
    const id = await importBusybox(d);
    const name = `${reg.host}/test/bb:1`;
    assert.equal((await d.docker(["tag", "busybox:latest", name])).code, 0);
    const push = await d.docker(["push", name]);
    assert.equal(push.code, 0, push.stderr + push.stdout);
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[${reg.host}/test/bb\\]`));
    assert.match(push.stdout, /: Pushed/);
    const digest = /1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
    assert.ok(digest, push.stdout);
    const head = await fetch(`http://${reg.host}/v2/test/bb/manifests/1`, { method: "HEAD", headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
    assert.equal(head.headers.get("docker-content-digest"), digest);

    await removeImage(d, id);
    assert.deepEqual(await imageIds(d), []);
    const pull = await d.docker(["pull", name]);
    assert.equal(pull.code, 0, pull.stderr + pull.stdout);
    assert.match(pull.stdout, /1: Pulling from test\/bb/);
    assert.match(pull.stdout, /Pull complete/);
    assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
    assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${name}`));
    const insp = JSON.parse((await d.docker(["image", "inspect", name])).stdout)[0];
    assert.equal(insp.Id, id);
    assert.deepEqual(insp.RepoDigests, [`${reg.host}/test/bb@${digest}`]);
    const run = await d.docker(["run", "--rm", name, "echo", "pulled and running"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "pulled and running\n");

    const again = await d.docker(["pull", name]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Status: Image is up to date/);

    const byDigest = await d.docker(["pull", `${reg.host}/test/bb@${digest}`]);
    assert.equal(byDigest.code, 0, byDigest.stderr);
    assert.match(byDigest.stdout, new RegExp(`Status: Image is up to date for ${reg.host}/test/bb@${digest}`));

    const before = await imageIds(d);
    const missing = await d.docker(["pull", `${reg.host}/test/bb:nosuchtag`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`manifest for ${reg.host}/test/bb:nosuchtag not found: manifest unknown`));
    assert.deepEqual(await imageIds(d), before);
  });

  test("a corrupted blob in the registry fails verification and nothing is registered", async () => {
    await using reg = await startRegistry();
    await using d = await startDaemon();
    const id = await importBusybox(d);
    const name = `${reg.host}/test/corrupt:1`;
    await d.docker(["tag", "busybox:latest", name]);
    assert.equal((await d.docker(["push", name])).code, 0);
    const layerDigest = JSON.parse((await d.docker(["image", "inspect", id])).stdout)[0].RootFS.Layers[0] as string;
    const manifest = await (await fetch(`http://${reg.host}/v2/test/corrupt/manifests/1`, { headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } })).json();
    const blob = (manifest as { layers: Array<{ digest: string }> }).layers[0]!.digest;
    assert.ok(layerDigest);
    const hex = blob.slice(7);
    const data = path.join(reg.storage, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
    const fh = await fs.open(data, "r+");
    await fh.write(Buffer.from("XXXX"), 0, 4, 1000);
    await fh.close();
    await removeImage(d, id);
    const pull = await d.docker(["pull", name]);
    assert.equal(pull.code, 1, pull.stdout);
    assert.match(pull.stderr, new RegExp(`failed to verify blob ${blob}`));
    assert.deepEqual(await imageIds(d), []);
    const blobs = await fs.readdir(path.join(d.dataRoot, "content/blobs/sha256"));
    assert.ok(!blobs.includes(hex), "the corrupt blob must not be in the content store");
  });

  test("a second image sharing the layer: 'Layer already exists'; another repository mounts it", async () => {
    await using reg = await startRegistry();
    await using d = await startDaemon();
    await importBusybox(d);
    await d.docker(["tag", "busybox:latest", `${reg.host}/test/bb:1`]);
    assert.equal((await d.docker(["push", `${reg.host}/test/bb:1`])).code, 0);
    const imp = await d.docker(["import", "--change", "ENV SECOND=1", await busyboxTar(), `${reg.host}/test/bb:2`]);
    assert.equal(imp.code, 0, imp.stderr);
    const push2 = await d.docker(["push", `${reg.host}/test/bb:2`]);
    assert.equal(push2.code, 0, push2.stderr);
    assert.match(push2.stdout, /: Layer already exists/);
    assert.doesNotMatch(push2.stdout, /: Pushed/);

    await d.docker(["tag", `${reg.host}/test/bb:2`, `${reg.host}/other/bb:2`]);
    const push3 = await d.docker(["push", `${reg.host}/other/bb:2`]);
    assert.equal(push3.code, 0, push3.stderr);
    assert.match(push3.stdout, /: Mounted from test\/bb/);
  });

  test("a tag naming an OCI index pulls this platform's manifest; the repo digest is the index's", async () => {
    await using reg = await startRegistry();
    await using d = await startDaemon();
    const id = await importBusybox(d);
    await d.docker(["tag", "busybox:latest", `${reg.host}/multi/bb:single`]);
    const push = await d.docker(["push", `${reg.host}/multi/bb:single`]);
    const digest = /digest: (sha256:[0-9a-f]{64}) size: (\d+)/.exec(push.stdout);
    assert.ok(digest, push.stdout + push.stderr);
    const entry = (platform: object) => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: digest[1], size: Number(digest[2]), platform });
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [entry({ os: "linux", architecture: "arm64", variant: "v8" }), entry({ os: "linux", architecture: "amd64" })],
    });
    const put = await fetch(`http://${reg.host}/v2/multi/bb/manifests/multi`, { method: "PUT", headers: { "Content-Type": "application/vnd.oci.image.index.v1+json" }, body: index });
    assert.equal(put.status, 201, await put.text());
    const indexDigest = put.headers.get("docker-content-digest");
    await removeImage(d, id);
    const pull = await d.docker(["pull", `${reg.host}/multi/bb:multi`]);
    assert.equal(pull.code, 0, pull.stderr + pull.stdout);
    assert.match(pull.stdout, new RegExp(`Digest: ${indexDigest}`));
    const insp = JSON.parse((await d.docker(["image", "inspect", `${reg.host}/multi/bb:multi`])).stdout)[0];
    assert.equal(insp.Id, id);
    assert.deepEqual(insp.RepoDigests, [`${reg.host}/multi/bb@${indexDigest}`]);
    const none = await d.docker(["pull", "--platform", "linux/s390x", `${reg.host}/multi/bb:multi`]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no matching manifest for linux\/s390x in the manifest list entries/);
  });

  test("login against htpasswd basic auth; push and pull with the stored credentials", async () => {
    await using reg = await startRegistry({ user: "user", password: "pass" });
    await using d = await startDaemon();
    const id = await importBusybox(d);
    const name = `${reg.host}/private/bb:1`;
    await d.docker(["tag", "busybox:latest", name]);

    const anon = await d.docker(["push", name]);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr + anon.stdout, /no basic auth credentials/);

    const wrong = await d.docker(["login", reg.host, "-u", "user", "-p", "nope"]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, new RegExp(`login attempt to http://${reg.host}/v2/ failed with status: 401 Unauthorized`));
    const ok = await d.docker(["login", reg.host, "-u", "user", "-p", "pass"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Login Succeeded/);

    const push = await d.docker(["push", name]);
    assert.equal(push.code, 0, push.stderr + push.stdout);
    await removeImage(d, id);
    const pull = await d.docker(["pull", name]);
    assert.equal(pull.code, 0, pull.stderr + pull.stdout);
    assert.equal(JSON.parse((await d.docker(["image", "inspect", name])).stdout)[0].Id, id);

    const api = await d.api("POST", "/auth", { username: "user", password: "nope", serveraddress: reg.host });
    assert.equal(api.status, 401);
  });
});
