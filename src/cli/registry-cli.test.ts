import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import type { ProgressMessage } from "../apitypes/index.js";
import { decodeRegistryAuthHeader, encodeRegistryAuth } from "../client/index.js";
import { authKey, eraseCredentials, getCredentials, INDEX_SERVER, storeCredentials } from "./docker-config.js";
import { progressString, ProgressRenderer } from "./format/progress.js";
import { parseRemoteRef } from "./registry-ref.js";

function render(lines: ProgressMessage[], tty: boolean): { text: string; aux: unknown[] } {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  const aux: unknown[] = [];
  const r = new ProgressRenderer({ out, tty, columns: 200, onAux: (a) => aux.push(a) });
  for (const l of lines) r.write(l);
  return { text, aux };
}

// 10 transcript, `docker pull 127.0.0.1:5001/bb:2` piped.
const PULL: ProgressMessage[] = [
  { status: "Pulling from bb", id: "2" },
  { status: "Already exists", progressDetail: {}, id: "9cc2d3f95770" },
  { status: "Pulling fs layer", progressDetail: {}, id: "8a27b9040094" },
  { status: "Downloading", progressDetail: { current: 109, total: 109 }, progress: "[==>]     109B/109B", id: "8a27b9040094" },
  { status: "Verifying Checksum", progressDetail: {}, id: "8a27b9040094" },
  { status: "Download complete", progressDetail: {}, id: "8a27b9040094" },
  { status: "Extracting", progressDetail: { current: 109, total: 109 }, progress: "x", id: "8a27b9040094" },
  { status: "Extracting", progressDetail: { current: 109, total: 109 }, progress: "x", id: "8a27b9040094" },
  { status: "Pull complete", progressDetail: {}, id: "8a27b9040094" },
  { status: "Digest: sha256:baaebbb7d5c688bd77341725c93fe3a03f025a07d2c0d7f580f0272ac2ea7a08" },
  { status: "Status: Downloaded newer image for 127.0.0.1:5001/bb:2" },
];

test("plain progress matches docker's piped pull output", () => {
  assert.equal(
    render(PULL, false).text,
    [
      "2: Pulling from bb",
      "9cc2d3f95770: Already exists",
      "8a27b9040094: Pulling fs layer",
      "8a27b9040094: Verifying Checksum",
      "8a27b9040094: Download complete",
      "8a27b9040094: Pull complete",
      "Digest: sha256:baaebbb7d5c688bd77341725c93fe3a03f025a07d2c0d7f580f0272ac2ea7a08",
      "Status: Downloaded newer image for 127.0.0.1:5001/bb:2",
      "",
    ].join("\n"),
  );
});

test("plain progress for push: repeated statuses once, aux not printed", () => {
  const { text, aux } = render(
    [
      { status: "The push refers to repository [127.0.0.1:5001/bb]" },
      { status: "Preparing", progressDetail: {}, id: "2b073948c63d" },
      { status: "Preparing", progressDetail: {}, id: "fef56c916759" },
      { status: "Waiting", progressDetail: {}, id: "2b073948c63d" },
      { status: "Waiting", progressDetail: {}, id: "2b073948c63d" },
      { status: "Layer already exists", progressDetail: {}, id: "fef56c916759" },
      { status: "Pushing", progressDetail: { current: 34816, total: 1982312 }, id: "2b073948c63d" },
      { status: "Pushed", progressDetail: {}, id: "2b073948c63d" },
      { status: "2: digest: sha256:abc size: 735" },
      { progressDetail: {}, aux: { Tag: "2", Digest: "sha256:abc", Size: 735 } },
    ],
    false,
  );
  assert.equal(
    text,
    "The push refers to repository [127.0.0.1:5001/bb]\n2b073948c63d: Preparing\nfef56c916759: Preparing\n2b073948c63d: Waiting\n" +
      "fef56c916759: Layer already exists\n2b073948c63d: Pushed\n2: digest: sha256:abc size: 735\n",
  );
  assert.deepEqual(aux, [{ Tag: "2", Digest: "sha256:abc", Size: 735 }]);
});

test("terminal progress rewrites layer lines in place", () => {
  const { text } = render(
    [
      { status: "Pulling from bb", id: "1" },
      { status: "Pulling fs layer", progressDetail: {}, id: "aaa" },
      { status: "Pulling fs layer", progressDetail: {}, id: "bbb" },
      { status: "Downloading", progressDetail: { current: 12300000, total: 45600000 }, id: "aaa" },
      { status: "Pull complete", progressDetail: {}, id: "aaa" },
      { status: "Digest: sha256:x" },
    ],
    true,
  );
  const bar = progressString(12300000, 45600000, 200);
  assert.equal(bar, `[${"=".repeat(13)}>${" ".repeat(37)}]   12.3MB/45.6MB`);
  assert.equal(
    text,
    "1: Pulling from bb\n" +
      "\n\x1b[1A\x1b[2K\raaa: Pulling fs layer\r\x1b[1B" +
      "\n\x1b[1A\x1b[2K\rbbb: Pulling fs layer\r\x1b[1B" +
      `\x1b[2A\x1b[2K\raaa: Downloading ${bar}\r\x1b[2B` +
      "\x1b[2A\x1b[2K\raaa: Pull complete\r\x1b[2B" +
      "Digest: sha256:x\n",
  );
  assert.equal(progressString(1996800, 1982312), "[==================================================>]  1.997MB");
  assert.equal(progressString(34816, 1982312, 80), " 34.82kB/1.982MB");
});

test("X-Registry-Auth is base64url JSON; anonymous is e30=", () => {
  assert.equal(encodeRegistryAuth({}), "e30=");
  const h = encodeRegistryAuth({ username: "testuser", password: "testpass", serveraddress: "127.0.0.1:5001" });
  assert.equal(h, "eyJ1c2VybmFtZSI6InRlc3R1c2VyIiwicGFzc3dvcmQiOiJ0ZXN0cGFzcyIsInNlcnZlcmFkZHJlc3MiOiIxMjcuMC4wLjE6NTAwMSJ9");
  assert.equal(encodeRegistryAuth({ username: "u", password: "??>" }).includes("+") || encodeRegistryAuth({ username: "u", password: "??>" }).includes("/"), false);
  assert.deepEqual(decodeRegistryAuthHeader(encodeRegistryAuth({ username: "u", password: "??>" })), { username: "u", password: "??>" });
});

test("references normalise like docker", () => {
  assert.deepEqual(
    (({ full, familiar, host, defaultedTag }) => ({ full, familiar, host, defaultedTag }))(parseRemoteRef("busybox")),
    { full: "docker.io/library/busybox:latest", familiar: "busybox", host: "docker.io", defaultedTag: true },
  );
  const r = parseRemoteRef("127.0.0.1:5001/private/bb:1");
  assert.equal(r.familiar, "127.0.0.1:5001/private/bb");
  assert.equal(r.host, "127.0.0.1:5001");
  assert.equal(r.ref.tag, "1");
  assert.equal(authKey("docker.io"), INDEX_SERVER);
  assert.equal(authKey(undefined), INDEX_SERVER);
  assert.equal(authKey("https://127.0.0.1:5001/v2/"), "127.0.0.1:5001");
});

test("docker config file: store, read, erase; other keys kept", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-cfg-"));
  const env = { DOCKER_CONFIG: join(dir, "sub") } as NodeJS.ProcessEnv;
  try {
    assert.deepEqual(getCredentials(env, "127.0.0.1:5001"), {});
    storeCredentials(env, "127.0.0.1:5001", { username: "testuser", password: "testpass" });
    const file = join(dir, "sub", "config.json");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { auths: { "127.0.0.1:5001": { auth: Buffer.from("testuser:testpass").toString("base64") } } });
    assert.deepEqual(getCredentials(env, "127.0.0.1:5001"), { serveraddress: "127.0.0.1:5001", username: "testuser", password: "testpass" });

    // A file written by docker, with a scheme in the key and other settings.
    writeFileSync(file, JSON.stringify({ auths: { "http://h:5000": { auth: Buffer.from("a:b:c").toString("base64") } }, psFormat: "x" }));
    assert.deepEqual(getCredentials(env, "h:5000"), { serveraddress: "h:5000", username: "a", password: "b:c" });
    storeCredentials(env, "docker.io", { username: "hub", password: "p" });
    const cfg = JSON.parse(readFileSync(file, "utf8")) as { auths: Record<string, unknown>; psFormat: string };
    assert.equal(cfg.psFormat, "x");
    assert.ok(cfg.auths[INDEX_SERVER]);
    assert.equal(getCredentials(env, "docker.io").username, "hub");
    assert.equal(eraseCredentials(env, "h:5000"), true);
    assert.equal(eraseCredentials(env, "h:5000"), false);
    assert.deepEqual(Object.keys((JSON.parse(readFileSync(file, "utf8")) as { auths: object }).auths), [INDEX_SERVER]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
