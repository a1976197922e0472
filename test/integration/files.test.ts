/**
 * A container's files through the real docker CLI against berthd: cp both
 * ways into running and stopped containers (modes and symlinks kept), escape
 * attempts through symlinks inside the container (they stay in the
 * container), the stat HEAD for a missing path, diff (A/C/D), export, and
 * commit with --change/-m/-a, whose image runs with the committed files.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, runCmd, startDaemon, type TestDaemon } from "./harness.js";

describe("docker cp / diff / export / commit against berthd", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  let host: string;
  const ok = async (args: string[]) => {
    const r = await d.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
    host = await fs.mkdtemp(path.join(os.tmpdir(), "berth-files-"));
    await ok(["run", "-d", "--name", "live", "busybox", "sleep", "300"]);
    await ok(["create", "--name", "cold", "busybox", "sleep", "300"]);
    // a tree with odd modes and symlinks
    const src = path.join(host, "src");
    await fs.mkdir(path.join(src, "sub"), { recursive: true });
    await fs.writeFile(path.join(src, "run.sh"), "#!/bin/sh\necho hi\n");
    await fs.chmod(path.join(src, "run.sh"), 0o750);
    await fs.writeFile(path.join(src, "sub/secret"), "s");
    await fs.chmod(path.join(src, "sub/secret"), 0o600);
    await fs.chmod(path.join(src, "sub"), 0o711);
    await fs.symlink("sub/secret", path.join(src, "rel-link"));
    await fs.symlink("/etc/passwd", path.join(src, "abs-link"));
  });
  after(async () => {
    if (host) await fs.rm(host, { recursive: true, force: true });
    await d?.stop();
  });

  async function checkTree(dir: string): Promise<void> {
    assert.equal((await fs.stat(path.join(dir, "run.sh"))).mode & 0o7777, 0o750);
    assert.equal((await fs.stat(path.join(dir, "sub/secret"))).mode & 0o7777, 0o600);
    assert.equal((await fs.stat(path.join(dir, "sub"))).mode & 0o7777, 0o711);
    assert.equal(await fs.readlink(path.join(dir, "rel-link")), "sub/secret");
    assert.equal(await fs.readlink(path.join(dir, "abs-link")), "/etc/passwd");
  }

  for (const name of ["live", "cold"]) {
    test(`cp in and out of a ${name === "live" ? "running" : "stopped"} container keeps modes and symlinks`, async () => {
      await ok(["cp", path.join(host, "src"), `${name}:/data`]);
      const out = path.join(host, `out-${name}`);
      await ok(["cp", `${name}:/data`, out]);
      await checkTree(out);
      // a single file keeps its name and content; cp to a file path renames it
      await ok(["cp", `${name}:/data/run.sh`, path.join(host, `one-${name}`)]);
      assert.equal(await fs.readFile(path.join(host, `one-${name}`), "utf8"), "#!/bin/sh\necho hi\n");
      // the image's files are readable too (stopped containers are mounted for the copy)
      await ok(["cp", `${name}:/etc/passwd`, path.join(host, `passwd-${name}`)]);
      assert.match(await fs.readFile(path.join(host, `passwd-${name}`), "utf8"), /^root:x:0:0/);
    });
  }

  test("the copied tree is visible inside the container with its modes", async () => {
    const out = await ok(["exec", "live", "sh", "-c", "stat -c '%a %n' /data/run.sh /data/sub/secret; readlink /data/rel-link"]);
    assert.equal(out, "750 /data/run.sh\n600 /data/sub/secret\nsub/secret\n");
  });

  test("a missing path is Docker's 404 for HEAD, GET and PUT", async () => {
    const r = await d.docker(["cp", "live:/nope", path.join(host, "nope")]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Could not find the file \/nope in container live/);
    const head = await d.api("HEAD", "/containers/cold/archive?path=/nope");
    assert.equal(head.status, 404);
    const put = await d.api("PUT", "/containers/cold/archive?path=/no/such/dir", Buffer.alloc(1024), { "Content-Type": "application/x-tar" });
    assert.equal(put.status, 404);
    const notDir = await d.api("PUT", "/containers/cold/archive?path=/etc/passwd", Buffer.alloc(1024), { "Content-Type": "application/x-tar" });
    assert.equal(notDir.status, 400);
    assert.match(notDir.json().message, /not a directory/);
  });

  test("HEAD stat header is Go's shape with os.FileMode bits", async () => {
    const r = await d.api("HEAD", "/containers/cold/archive?path=/etc");
    assert.equal(r.status, 200);
    const stat = JSON.parse(Buffer.from(String(r.headers["x-docker-container-path-stat"]), "base64").toString());
    assert.deepEqual(Object.keys(stat), ["name", "size", "mode", "mtime", "linkTarget"]);
    assert.equal(stat.name, "etc");
    assert.equal(stat.mode, (2 ** 31 + 0o755));
    assert.match(stat.mtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  for (const running of [true, false]) {
    test(`symlinks in a ${running ? "running" : "stopped"} container cannot lead a copy to the host`, async () => {
      const tag = randomBytes(6).toString("hex");
      const victim = path.join(os.tmpdir(), `berth-escape-${tag}`);
      const name = `esc-${tag}`;
      const setup = `ln -s / /etc/x && ln -s ../../../../../../../../tmp /up && mkdir -p /tmp/berth-escape-${tag}`;
      if (running) await ok(["run", "-d", "--name", name, "busybox", "sh", "-c", `${setup} && sleep 300`]);
      else await ok(["run", "--name", name, "busybox", "sh", "-c", setup]);
      for (let i = 0; running && i < 50; i++) {
        if ((await d.docker(["exec", name, "test", "-L", "/up"])).code === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const file = path.join(host, `payload-${tag}`);
      await fs.writeFile(file, "payload");
      await ok(["cp", file, `${name}:/etc/x/`]);
      await ok(["cp", file, `${name}:/up/berth-escape-${tag}/`]);
      assert.ok(!existsSync(`/payload-${tag}`), "file landed in the host's /");
      assert.ok(!existsSync(victim), "file landed in the host's /tmp");
      // both landed inside the container
      await ok(["cp", `${name}:/payload-${tag}`, path.join(host, `back1-${tag}`)]);
      await ok(["cp", `${name}:/tmp/berth-escape-${tag}/payload-${tag}`, path.join(host, `back2-${tag}`)]);
      assert.equal(await fs.readFile(path.join(host, `back2-${tag}`), "utf8"), "payload");
      // reading through the links stays inside too: /up/.. is the container's /
      await ok(["cp", `${name}:/up/../etc/passwd`, path.join(host, `pw-${tag}`)]);
      assert.match(await fs.readFile(path.join(host, `pw-${tag}`), "utf8"), /^root:x:0:0:root:\/root:\/bin\/sh\n/);
      await ok(["rm", "-f", name]);
    });
  }

  test("diff shows A/C/D; export lists the merged filesystem", async () => {
    await ok(["run", "--name", "dff", "busybox", "sh", "-c", "echo added > /tmp/added && echo x >> /etc/passwd && rm /etc/group"]);
    const diff = (await ok(["diff", "dff"])).trim().split("\n");
    for (const line of ["C /etc", "C /etc/passwd", "D /etc/group", "C /tmp", "A /tmp/added"]) assert.ok(diff.includes(line), `${line} in ${diff.join(",")}`);
    const tarFile = path.join(host, "export.tar");
    await ok(["export", "-o", tarFile, "dff"]);
    const list = await runCmd(["tar", "-tf", tarFile]);
    assert.equal(list.code, 0, list.stderr);
    const names = list.stdout.split("\n");
    for (const n of ["bin/busybox", "tmp/added", "etc/passwd"]) assert.ok(names.includes(n), `${n} exported`);
    assert.ok(!names.includes("etc/group"), "deleted file not exported");
  });

  test("an export read only in part releases the stopped container: it starts and is exported again", async () => {
    const sh = await runCmd(["sh", "-c", "docker export cold | head -c 4096 | wc -c"], { env: { ...process.env, ...d.env } });
    assert.equal(sh.stdout.trim(), "4096", sh.stderr);
    await ok(["start", "cold"]);
    assert.equal((await ok(["inspect", "-f", "{{.State.Status}}", "cold"])).trim(), "running");
    await ok(["cp", "cold:/data/run.sh", path.join(host, "after-start")]);
    await ok(["rm", "-f", "cold"]);
  });

  test("commit with --change, -m, -a: the image runs with the committed files and CMD", async () => {
    const id = (await ok(["commit", "-c", 'CMD ["cat","/tmp/added"]', "-m", "msg", "-a", "me", "dff", "snap:1"])).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await ok(["run", "--rm", "snap:1"]), "added\n");
    const gone = await d.docker(["run", "--rm", "snap:1", "ls", "/etc/group"]);
    assert.notEqual(gone.code, 0, "a file deleted in the container is absent in the image");
    assert.match(await ok(["run", "--rm", "snap:1", "tail", "-n1", "/etc/passwd"]), /^x$/m);
    const info = JSON.parse(await ok(["image", "inspect", "snap:1"]))[0];
    assert.equal(info.Author, "me");
    assert.equal(info.Comment, "msg");
    assert.deepEqual(info.Config.Cmd, ["cat", "/tmp/added"]);
    assert.equal(info.RootFS.Layers.length, 2);
    const hist = await ok(["history", "--format", "{{.Comment}}", "snap:1"]);
    assert.equal(hist.split("\n")[0], "msg");
  });

  test("commit pauses a running container and leaves it running", async () => {
    await ok(["exec", "live", "sh", "-c", "echo live > /live-file"]);
    await ok(["commit", "live", "livesnap"]);
    assert.equal((await ok(["inspect", "-f", "{{.State.Status}}", "live"])).trim(), "running");
    assert.equal(await ok(["run", "--rm", "livesnap", "cat", "/live-file"]), "live\n");
  });
});
