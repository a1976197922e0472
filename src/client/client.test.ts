import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildQuery, compareVersions } from "./http-transport.js";
import { parseHost, resolveSocketPath } from "./host.js";
import { EngineClient } from "./engine-client.js";
import { DaemonError } from "./errors.js";
import { encodeFrame, STDOUT, STDERR } from "../streams/stdcopy.js";
import { PassThrough } from "node:stream";

test("host precedence: flag, BERTH_HOST, DOCKER_HOST, default", () => {
  assert.equal(resolveSocketPath({ flag: "unix:///a.sock", env: { BERTH_HOST: "unix:///b.sock" } }), "/a.sock");
  assert.equal(resolveSocketPath({ env: { BERTH_HOST: "unix:///b.sock", DOCKER_HOST: "unix:///c.sock" } }), "/b.sock");
  assert.equal(resolveSocketPath({ env: { DOCKER_HOST: "unix:///c.sock" } }), "/c.sock");
  assert.equal(resolveSocketPath({ env: {} }), "/run/berth/berth.sock");
  assert.throws(() => parseHost("tcp://1.2.3.4:2375"));
});

test("query encoding and version comparison", () => {
  assert.equal(buildQuery({ stream: true, stdin: false, names: ["a:1", "b"], t: 5, x: undefined }), "?stream=1&names=a%3A1&names=b&t=5");
  assert.ok(compareVersions("1.9", "1.41") < 0);
  assert.equal(compareVersions("1.43", "1.43"), 0);
});

/** A fake daemon: negotiation, a 404, and a hijacked attach that sends frames right after the 101. */
test("client negotiates, maps errors and demuxes a hijacked attach", async () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-client-"));
  const socketPath = join(dir, "d.sock");
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === "/_ping") {
      res.writeHead(200, { "Api-Version": "1.41" }).end();
    } else if (req.url?.includes("/containers/nope/json")) {
      res.writeHead(404, { "Content-Type": "application/json" }).end('{"message":"No such container: nope"}\n');
    } else {
      res.writeHead(500).end();
    }
  });
  server.on("upgrade", (req, socket) => {
    seen.push(`${req.method} ${req.url} upgrade=${req.headers.upgrade}`);
    socket.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
    socket.write(Buffer.concat([encodeFrame(STDOUT, "hel"), encodeFrame(STDOUT, "lo\n").subarray(0, 5)]));
    setTimeout(() => socket.end(Buffer.concat([encodeFrame(STDOUT, "lo\n").subarray(5), encodeFrame(STDERR, "oops\n")])), 10);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const client = new EngineClient({ socketPath });
  try {
    assert.equal(await client.apiVersion(), "1.41");
    await assert.rejects(client.inspectContainer("nope"), (err: unknown) => err instanceof DaemonError && err.statusCode === 404 && err.message === "No such container: nope");
    const stream = await client.attach("c1", { tty: false });
    stream.closeInput();
    const out = new PassThrough();
    const errOut = new PassThrough();
    await stream.pipeOutput(out, errOut);
    assert.equal(out.read().toString(), "hello\n");
    assert.equal(errOut.read().toString(), "oops\n");
    assert.ok(seen.includes("POST /v1.41/containers/c1/attach?stream=1&stdout=1&stderr=1 upgrade=tcp"), seen.join("\n"));
  } finally {
    client.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
