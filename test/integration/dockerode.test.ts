/**
 * dockerode (a real Engine API client used by many Node tools) against
 * berthd: ping/version, create/start/wait/logs/inspect/remove, attach with
 * stdin over a hijacked connection, image list/inspect, and its error objects.
 */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import Docker from "dockerode";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

function collect(stream: NodeJS.ReadableStream, docker: Docker): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const out = new PassThrough();
    const err = new PassThrough();
    let o = "";
    let e = "";
    out.on("data", (b) => (o += b));
    err.on("data", (b) => (e += b));
    docker.modem.demuxStream(stream, out, err);
    stream.on("end", () => resolve({ out: o, err: e }));
    stream.on("error", reject);
  });
}

describe("dockerode against berthd", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  let docker: Docker;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
    docker = new Docker({ socketPath: d.socket });
  });
  after(async () => {
    await d?.stop();
  });

  test("ping and version", async () => {
    assert.equal(String(await docker.ping()), "OK");
    const v = await docker.version();
    assert.equal(v.ApiVersion, "1.43");
  });

  test("create, start, wait, logs, inspect, remove", async () => {
    const c = await docker.createContainer({ Image: "busybox", Cmd: ["sh", "-c", "echo out; echo err >&2; exit 4"], Labels: { via: "dockerode" } });
    await c.start();
    const w = await c.wait();
    assert.equal(w.StatusCode, 4);
    const logs = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    // non-TTY logs are framed: [stream,0,0,0,len] headers
    assert.equal(logs[0], 1);
    assert.ok(logs.includes(Buffer.from("out\n")) && logs.includes(Buffer.from("err\n")));
    const info = await c.inspect();
    assert.equal(info.State.ExitCode, 4);
    assert.equal(info.Config.Labels["via"], "dockerode");
    const listed = await docker.listContainers({ all: true, filters: { label: ["via=dockerode"] } });
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.Id, info.Id);
    await c.remove();
    await assert.rejects(c.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  test("attach with stdin over a hijacked connection", async () => {
    const c = await docker.createContainer({ Image: "busybox", Cmd: ["sh", "-c", "read line; echo got:$line"], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const stream = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const done = collect(stream, docker);
    await c.start();
    stream.write("hello\n");
    const { out } = await done;
    assert.equal(out, "got:hello\n");
    assert.equal((await c.wait()).StatusCode, 0);
    await c.remove();
  });

  test("images are listed and inspected; errors carry status codes", async () => {
    const list = await docker.listImages();
    assert.ok(list.some((i) => (i.RepoTags ?? []).includes("busybox:latest")));
    const img = await docker.getImage("busybox").inspect();
    assert.match(img.Id, /^sha256:/);
    await assert.rejects(docker.getImage("nope:none").inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
    await assert.rejects(docker.createContainer({ Image: "nope:none" }), (e: { statusCode?: number }) => e.statusCode === 404);
  });
});
