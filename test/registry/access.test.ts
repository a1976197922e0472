/** Registry server access: read-only mode, htpasswd Basic auth (bcrypt, {SHA}, $apr1$), per-repository policy, TLS. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { apr1 } from "../../src/registry/server/apr1.js";
import { parseHtpasswd, verifyPassword } from "../../src/registry/server/access.js";
import { errorCode, pushImage, startTestRegistry, type TestRegistry } from "./helpers.js";

const run = promisify(execFile);

function basic(user: string, pw: string): Record<string, string> {
  return { Authorization: "Basic " + Buffer.from(`${user}:${pw}`).toString("base64") };
}

describe("registry server: htpasswd", () => {
  test("{SHA} and $apr1$ verify; malformed and unknown hashes are refused at load time", async () => {
    const sha = "{SHA}" + createHash("sha1").update("pw1").digest("base64");
    assert.ok(verifyPassword(sha, "pw1"));
    assert.ok(!verifyPassword(sha, "pw2"));
    // Reference value from `openssl passwd -apr1 -salt abcdefgh secret`.
    assert.equal(apr1("secret", "abcdefgh"), "$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/");
    assert.ok(verifyPassword("$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/", "secret"));
    assert.ok(!verifyPassword("$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/", "Secret"));
    assert.throws(() => parseHtpasswd("bob:$2y$05$tooshort"), /malformed bcrypt/);
    assert.throws(() => parseHtpasswd("bob:plaintext"), /unsupported/);
  });

  test("bcrypt lines made by `htpasswd -B` ($2y$) verify, and $2a$/$2b$ spellings too", async (t) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-htpasswd-"));
    t.after(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "htpasswd");
    await run("htpasswd", ["-B", "-b", "-c", file, "carol", "c4rol pass"]);
    await run("htpasswd", ["-B", "-C", "6", "-b", file, "dave", "dav3"]);
    const users = parseHtpasswd(await fs.readFile(file, "utf8"));
    const carol = users.get("carol")!;
    assert.match(carol, /^\$2y\$05\$/);
    assert.match(users.get("dave")!, /^\$2y\$06\$/);
    assert.ok(verifyPassword(carol, "c4rol pass"));
    assert.ok(verifyPassword(carol, "c4rol pass"), "second check (cached) still true");
    assert.ok(!verifyPassword(carol, "c4rol pas"));
    assert.ok(!verifyPassword(carol, ""));
    assert.ok(verifyPassword(users.get("dave")!, "dav3"));
    assert.ok(!verifyPassword(users.get("dave")!, "c4rol pass"), "a cached password of another user does not open this one");
    for (const v of ["$2a$", "$2b$"]) assert.ok(verifyPassword(carol.replace("$2y$", v), "c4rol pass"), v);

    const reg = await startTestRegistry({ htpasswd: file });
    t.after(() => reg.stop());
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: basic("carol", "c4rol pass") })).status, 200);
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: basic("carol", "wrong") })).status, 401);
    const cfg = Buffer.from("{}");
    const dg = "sha256:" + createHash("sha256").update(cfg).digest("hex");
    const r = await fetch(`${reg.url}/v2/c/img/blobs/uploads/?digest=${dg}`, { method: "POST", body: cfg, headers: basic("dave", "dav3") });
    assert.equal(r.status, 201);
    assert.equal((await fetch(`${reg.url}/v2/c/img/blobs/${dg}`, { headers: basic("carol", "c4rol pass") })).status, 200);
  });
});

describe("registry server: read-only", () => {
  let reg: TestRegistry;
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "berth-registry-ro-"));
    const rw = await startTestRegistry({ root });
    await pushImage(rw.url, "ro/image", "v1");
    await rw.stop();
    reg = await startTestRegistry({ root, readOnly: true });
  });
  after(async () => {
    await reg.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  test("pulls work; pushes and deletes → 405 UNSUPPORTED", async () => {
    assert.equal((await fetch(`${reg.url}/v2/ro/image/manifests/v1`)).status, 200);
    const post = await fetch(`${reg.url}/v2/ro/image/blobs/uploads/`, { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(await errorCode(post), "UNSUPPORTED");
    const del = await fetch(`${reg.url}/v2/ro/image/manifests/v1`, { method: "DELETE" });
    assert.equal(del.status, 405);
    assert.equal((await fetch(`${reg.url}/v2/ro/image/manifests/v1`)).status, 200);
  });
});

describe("registry server: basic auth and policy", () => {
  let reg: TestRegistry;
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-registry-auth-"));
    const htpasswd = path.join(dir, "htpasswd");
    const sha = (pw: string) => "{SHA}" + createHash("sha1").update(pw).digest("base64");
    await fs.writeFile(htpasswd, `# users\nalice:${sha("alicepw")}\nbob:${apr1("bobpw", "saltsalt")}\n`);
    reg = await startTestRegistry({
      htpasswd,
      policy: [
        { repository: "public/*", pull: ["*"], push: ["alice"] },
        { repository: "alice/*", pull: ["alice"], push: ["alice"] },
      ],
    });
  });
  after(async () => {
    await reg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("/v2/ challenges anonymous clients and accepts valid users", async () => {
    const anon = await fetch(`${reg.url}/v2/`);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get("www-authenticate"), 'Basic realm="berth-registry"');
    assert.equal(await errorCode(anon), "UNAUTHORIZED");
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: basic("alice", "alicepw") })).status, 200);
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: basic("bob", "bobpw") })).status, 200);
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: basic("bob", "wrong") })).status, 401);
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: basic("nobody", "x") })).status, 401);
  });

  test("public/*: anyone pulls, only alice pushes; alice/*: only alice; others: any user", async () => {
    const authFetch = (u: string, p: string) => (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...basic(u, p) } });
    const alice = authFetch("alice", "alicepw");
    const bob = authFetch("bob", "bobpw");
    // Push as alice via the helpers' steps, with auth.
    const cfg = Buffer.from("{}");
    const dg = "sha256:" + createHash("sha256").update(cfg).digest("hex");
    for (const repo of ["public/img", "alice/private"]) {
      const r = await alice(`${reg.url}/v2/${repo}/blobs/uploads/?digest=${dg}`, { method: "POST", body: cfg });
      assert.equal(r.status, 201, repo);
    }
    const bobPush = await bob(`${reg.url}/v2/public/img/blobs/uploads/?digest=${dg}`, { method: "POST", body: cfg });
    assert.equal(bobPush.status, 403);
    assert.equal(await errorCode(bobPush), "DENIED");
    const anonPush = await fetch(`${reg.url}/v2/public/img/blobs/uploads/?digest=${dg}`, { method: "POST", body: cfg });
    assert.equal(anonPush.status, 401);

    assert.equal((await fetch(`${reg.url}/v2/public/img/blobs/${dg}`)).status, 200, "anonymous pull of a public repository");
    assert.equal((await fetch(`${reg.url}/v2/alice/private/blobs/${dg}`)).status, 401);
    assert.equal((await bob(`${reg.url}/v2/alice/private/blobs/${dg}`)).status, 403);
    assert.equal((await alice(`${reg.url}/v2/alice/private/blobs/${dg}`)).status, 200);
    assert.equal((await bob(`${reg.url}/v2/team/x/blobs/uploads/?digest=${dg}`, { method: "POST", body: cfg })).status, 201, "default: any user");
    assert.equal((await fetch(`${reg.url}/v2/team/x/blobs/${dg}`)).status, 401);
    // A cross-repository mount needs pull on the source: bob cannot lift alice's blob into his repository.
    const bobMount = await bob(`${reg.url}/v2/team/y/blobs/uploads/?mount=${dg}&from=alice/private`, { method: "POST" });
    assert.equal(bobMount.status, 202, "a plain upload session instead of a mount");
    assert.equal((await bob(`${reg.url}/v2/team/y/blobs/${dg}`)).status, 404);
    const aliceMount = await alice(`${reg.url}/v2/public/other/blobs/uploads/?mount=${dg}&from=alice/private`, { method: "POST" });
    assert.equal(aliceMount.status, 201);
  });
});

describe("registry server: TLS", () => {
  let dir: string;
  let reg: TestRegistry | undefined;
  let cert: Buffer;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-registry-tls-"));
    await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]);
    cert = await fs.readFile(path.join(dir, "cert.pem"));
    reg = await startTestRegistry({ tls: { cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") } });
  });
  after(async () => {
    await reg?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("serves /v2/ over https with the given certificate", async () => {
    assert.match(reg!.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number>((resolve, reject) => {
      https.get(`${reg!.url}/v2/`, { ca: cert }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on("error", reject);
    });
    assert.equal(status, 200);
  });
});
