/**
 * The real docker CLI against berthd, with `berth registry serve` requiring
 * credentials from a bcrypt htpasswd file (made by Debian's `htpasswd -B`):
 * once with Basic auth on every request, once with Bearer tokens from the
 * registry's own token endpoint. In both: `docker login` with the right
 * password succeeds and with a wrong one fails; push, rmi and pull work with
 * the stored credentials; after `docker logout` a push is refused with
 * Docker's "no basic auth credentials" / unauthorized words.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { startRegistry, type RunningRegistry } from "../../src/registry/server/serve.js";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

const run = promisify(execFile);

for (const auth of ["basic", "token"] as const) {
  describe(`docker CLI → berthd → berth registry (${auth} auth, bcrypt htpasswd)`, { skip: !isRoot && "needs root" }, () => {
    let d: TestDaemon;
    let registry: RunningRegistry;
    let dir: string;
    let host: string;
    before(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), "reg-auth-"));
      const htpasswd = path.join(dir, "htpasswd");
      await run("htpasswd", ["-B", "-b", "-c", htpasswd, "user", "pass"]);
      registry = await startRegistry({ root: path.join(dir, "root"), host: "127.0.0.1", port: 0, htpasswd, auth });
      host = `127.0.0.1:${registry.port}`;
      d = await startDaemon();
    });
    after(async () => {
      await d?.stop();
      await registry?.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    test("login: right password succeeds, wrong one fails", async () => {
      const bad = await d.docker(["login", host, "-u", "user", "-p", "wrong"]);
      assert.notEqual(bad.code, 0, bad.stdout);
      assert.match(bad.stderr, auth === "basic" ? /login attempt to http:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized/ : /failed to fetch token from http:\/\/127\.0\.0\.1:\d+\/token: unauthorized: incorrect username or password/);
      const ok = await d.docker(["login", host, "-u", "user", "-p", "pass"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /Login Succeeded/);
      const config = JSON.parse(await fs.readFile(path.join(d.root, "docker-config", "config.json"), "utf8")) as { auths: Record<string, { auth: string }> };
      assert.equal(Buffer.from(config.auths[host]!.auth, "base64").toString(), "user:pass");
    });

    test("push, rmi, pull with the stored credentials; after logout a push is refused", async () => {
      const id = await importBusybox(d, `auth-${auth}:1`);
      const ref = `${host}/team/bb:${auth}`;
      assert.equal((await d.docker(["tag", `auth-${auth}:1`, ref])).code, 0);
      const push = await d.docker(["push", ref]);
      assert.equal(push.code, 0, push.stderr);
      assert.match(push.stdout, new RegExp(`${auth}: digest: sha256:[0-9a-f]{64} size: \\d+`));

      assert.equal((await d.docker(["rmi", ref, `auth-${auth}:1`])).code, 0);
      assert.notEqual((await d.docker(["image", "inspect", ref])).code, 0);
      const pull = await d.docker(["pull", ref]);
      assert.equal(pull.code, 0, pull.stderr);
      assert.equal((await d.docker(["image", "inspect", "-f", "{{.Id}}", ref])).stdout.trim(), id);
      const runIt = await d.docker(["run", "--rm", ref, "echo", "pulled with auth"]);
      assert.equal(runIt.stdout, "pulled with auth\n", runIt.stderr);

      // The registry itself refuses anonymous clients.
      const anon = await fetch(`http://${host}/v2/team/bb/tags/list`);
      assert.equal(anon.status, 401);
      assert.match(anon.headers.get("www-authenticate")!, auth === "token" ? /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="berth-registry"/ : /^Basic /);

      assert.equal((await d.docker(["logout", host])).code, 0);
      assert.equal((await d.docker(["tag", ref, `${host}/team/anon:1`])).code, 0);
      const anonPush = await d.docker(["push", `${host}/team/anon:1`]);
      assert.notEqual(anonPush.code, 0, anonPush.stdout);
      // Basic: Docker's own words. Token: berthd gets an anonymous token without push, then a 401 on a HEAD (no body).
      assert.match(anonPush.stderr, auth === "basic" ? /no basic auth credentials/ : /unauthorized|denied/i);
      const tags = await fetch(`http://${host}/v2/team/anon/tags/list`, { headers: { Authorization: "Basic " + Buffer.from("user:pass").toString("base64") } });
      if (auth === "basic") assert.equal(tags.status, 404, "nothing of the refused push arrived");
    });
  });
}
