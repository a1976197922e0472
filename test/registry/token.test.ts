/**
 * Registry server --auth=token: the token issuer (HMAC-SHA256, per-root
 * secret 0600, expiry, audience), scope parsing, the GET /token endpoint
 * (Basic credentials from a bcrypt htpasswd, granted = requested ∩ policy),
 * and /v2/ with Bearer challenges: no token, bad token, insufficient scope
 * (401 with the scope), authenticated but refused (403 DENIED).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { TokenIssuer, loadOrCreateSecret, parseScope, requestedScopes, type TokenClaims } from "../../src/registry/server/token.js";
import { errorCode, startTestRegistry, type TestRegistry } from "./helpers.js";

const run = promisify(execFile);

function basic(user: string, pw: string): Record<string, string> {
  return { Authorization: "Basic " + Buffer.from(`${user}:${pw}`).toString("base64") };
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

function claimsOf(token: string): TokenClaims {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as TokenClaims;
}

describe("registry token issuer", () => {
  test("signs and verifies; a changed byte, another audience, another key or expiry is refused", () => {
    const key = Buffer.alloc(32, 7);
    const iss = new TokenIssuer(key, "svc", 300);
    const now = Date.UTC(2030, 0, 1);
    const t = iss.issue("alice", [{ type: "repository", name: "a/b", actions: ["pull"] }], now);
    assert.equal(t.expiresIn, 300);
    const c = iss.verify(t.token, now + 1000)!;
    assert.equal(c.sub, "alice");
    assert.equal(c.aud, "svc");
    assert.deepEqual(c.access, [{ type: "repository", name: "a/b", actions: ["pull"] }]);
    const [h, p, s] = t.token.split(".") as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...c, access: [{ type: "repository", name: "a/b", actions: ["pull", "push"] }] })).toString("base64url");
    assert.equal(iss.verify(`${h}.${forged}.${s}`, now), undefined, "claims changed, signature kept");
    assert.equal(iss.verify(`${h}.${p}.${s.slice(0, -2)}AA`, now), undefined, "signature changed");
    assert.equal(iss.verify(`${h}.${p}`, now), undefined);
    assert.equal(new TokenIssuer(key, "other").verify(t.token, now), undefined, "audience");
    assert.equal(new TokenIssuer(Buffer.alloc(32, 8), "svc").verify(t.token, now), undefined, "key");
    assert.equal(iss.verify(t.token, now + 400_000), undefined, "expired (300 s + 60 s leeway)");
    assert.equal(iss.verify(t.token, now - 120_000), undefined, "not yet valid");
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    assert.equal(iss.verify(`${none}.${p}.`, now), undefined, "alg none");
  });

  test("scopes: repository actions, catalog, unknown types ignored, malformed refused", () => {
    assert.deepEqual(parseScope("repository:a/b:pull,push"), { type: "repository", name: "a/b", actions: ["pull", "push"] });
    assert.deepEqual(parseScope("repository:a:pull,bogus,pull"), { type: "repository", name: "a", actions: ["pull"] });
    assert.deepEqual(parseScope("registry:catalog:*"), { type: "registry", name: "catalog", actions: ["*"] });
    assert.equal(parseScope("repository(plugin):a:pull"), undefined);
    assert.throws(() => parseScope("repository:a"), /invalid scope/);
    assert.throws(() => parseScope("repository:../x:pull"), /invalid scope/);
    assert.deepEqual(
      requestedScopes(["repository:a:pull repository:b:push", "registry:catalog:*"]).map((r) => r.name),
      ["a", "b", "catalog"],
    );
  });

  test("the secret is created 0600 once and kept; a widened mode is narrowed", async (t) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-token-secret-"));
    t.after(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "token-secret");
    const a = await loadOrCreateSecret(file);
    assert.equal(a.length, 32);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    await fs.chmod(file, 0o644);
    assert.deepEqual(await loadOrCreateSecret(file), a);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    await fs.writeFile(file, "short\n");
    await assert.rejects(loadOrCreateSecret(file), /malformed/);
  });
});

describe("registry server: --auth=token", () => {
  let reg: TestRegistry;
  let dir: string;
  let root: string;
  const cfg = Buffer.from('{"token":"test"}');
  const dg = "sha256:" + createHash("sha256").update(cfg).digest("hex");

  async function token(scopes: string[], auth: Record<string, string> = {}, service = "berth-registry"): Promise<Response> {
    const q = new URLSearchParams({ service });
    for (const s of scopes) q.append("scope", s);
    return fetch(`${reg.url}/token?${q}`, { headers: auth });
  }
  async function tokenFor(scopes: string[], auth: Record<string, string> = {}): Promise<string> {
    const r = await token(scopes, auth);
    assert.equal(r.status, 200, await r.clone().text());
    const body = (await r.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
    assert.equal(body.token, body.access_token);
    return body.token;
  }

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-registry-token-"));
    root = path.join(dir, "root");
    const htpasswd = path.join(dir, "htpasswd");
    await run("htpasswd", ["-B", "-b", "-c", htpasswd, "alice", "alicepw"]);
    await run("htpasswd", ["-B", "-b", htpasswd, "bob", "bobpw"]);
    reg = await startTestRegistry({
      root,
      htpasswd,
      auth: "token",
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

  test("/v2/ without a token: 401 with the Bearer challenge pointing at /token", async () => {
    const r = await fetch(`${reg.url}/v2/`);
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("www-authenticate"), `Bearer realm="${reg.url}/token",service="berth-registry"`);
    assert.equal(await errorCode(r), "UNAUTHORIZED");
    // Basic is not accepted on /v2/ in token mode: the client is sent to the token endpoint.
    const b = await fetch(`${reg.url}/v2/alice/x/tags/list`, { headers: basic("alice", "alicepw") });
    assert.equal(b.status, 401);
    assert.equal(b.headers.get("www-authenticate"), `Bearer realm="${reg.url}/token",service="berth-registry",scope="repository:alice/x:pull"`);
    assert.equal((await fs.stat(path.join(root, "token-secret"))).mode & 0o777, 0o600);
  });

  test("token endpoint: bad password 401, unknown service 400, answer shape, granted = requested ∩ policy", async () => {
    const bad = await token(["repository:alice/x:pull"], basic("alice", "nope"));
    assert.equal(bad.status, 401);
    assert.equal(await errorCode(bad), "UNAUTHORIZED");
    assert.equal((await token([], basic("nobody", "x"))).status, 401);
    assert.equal((await token([], basic("alice", "alicepw"), "elsewhere")).status, 400);
    assert.equal((await token(["repository:UPPER:pull"], basic("alice", "alicepw"))).status, 400);

    const r = await token(["repository:alice/x:pull,push", "repository:public/p:pull registry:catalog:*"], basic("alice", "alicepw"));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("cache-control"), "no-store");
    const body = (await r.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in", "issued_at", "token"]);
    assert.equal(body["expires_in"], 300);
    assert.ok(!Number.isNaN(Date.parse(body["issued_at"] as string)));
    const c = claimsOf(body["token"] as string);
    assert.equal(c.sub, "alice");
    assert.deepEqual(c.access, [
      { type: "repository", name: "alice/x", actions: ["pull", "push"] },
      { type: "repository", name: "public/p", actions: ["pull"] },
      { type: "registry", name: "catalog", actions: ["*"] },
    ]);

    const bob = claimsOf(await tokenFor(["repository:alice/x:pull,push", "repository:public/p:pull,push", "repository:bob/y:pull,push"], basic("bob", "bobpw")));
    assert.deepEqual(bob.access, [
      { type: "repository", name: "alice/x", actions: [] },
      { type: "repository", name: "public/p", actions: ["pull"] },
      { type: "repository", name: "bob/y", actions: ["pull", "push"] },
    ]);
    const anon = claimsOf(await tokenFor(["repository:public/p:pull,push", "repository:bob/y:pull", "registry:catalog:*"]));
    assert.equal(anon.sub, "");
    assert.deepEqual(anon.access.map((a) => a.actions), [["pull"], [], []]);
  });

  test("push and pull with tokens; insufficient scope → 401 naming the scope; refused user → 403 DENIED", async () => {
    const alice = await tokenFor(["repository:alice/x:pull,push"], basic("alice", "alicepw"));
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: bearer(alice) })).status, 200);
    const up = await fetch(`${reg.url}/v2/alice/x/blobs/uploads/?digest=${dg}`, { method: "POST", body: cfg, headers: bearer(alice) });
    assert.equal(up.status, 201, await up.text());
    const doc = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: dg, size: cfg.length }, layers: [] }));
    const put = await fetch(`${reg.url}/v2/alice/x/manifests/v1`, { method: "PUT", body: doc, headers: { ...bearer(alice), "Content-Type": "application/vnd.oci.image.manifest.v1+json" } });
    assert.equal(put.status, 201, await put.text());
    assert.equal((await fetch(`${reg.url}/v2/alice/x/manifests/v1`, { headers: bearer(alice) })).status, 200);

    // alice's token names alice/x only: another repository asks for a token with that scope.
    const other = await fetch(`${reg.url}/v2/public/p/blobs/uploads/`, { method: "POST", headers: bearer(alice) });
    assert.equal(other.status, 401);
    assert.equal(
      other.headers.get("www-authenticate"),
      `Bearer realm="${reg.url}/token",service="berth-registry",scope="repository:public/p:pull,push",error="insufficient_scope"`,
    );
    // A pull-only token trying to push: 401 with the push scope.
    const pullOnly = await tokenFor(["repository:alice/x:pull"], basic("alice", "alicepw"));
    const del = await fetch(`${reg.url}/v2/alice/x/manifests/v1`, { method: "DELETE", headers: bearer(pullOnly) });
    assert.equal(del.status, 401);
    assert.match(del.headers.get("www-authenticate")!, /scope="repository:alice\/x:pull,push",error="insufficient_scope"/);

    // bob is a valid user whom the policy refuses alice/*: 403, asking again would not help.
    const bob = await tokenFor(["repository:alice/x:pull"], basic("bob", "bobpw"));
    const denied = await fetch(`${reg.url}/v2/alice/x/manifests/v1`, { headers: bearer(bob) });
    assert.equal(denied.status, 403);
    assert.equal(await errorCode(denied), "DENIED");

    // Anonymous token: pull of public/*, nothing else.
    const pushPub = await tokenFor(["repository:public/p:pull,push"], basic("alice", "alicepw"));
    assert.equal((await fetch(`${reg.url}/v2/public/p/blobs/uploads/?mount=${dg}&from=alice/x`, { method: "POST", headers: bearer(pushPub) })).status, 202, "no pull on alice/x in this token: no mount, an upload session instead");
    const mount = await tokenFor(["repository:public/p:pull,push"], basic("alice", "alicepw"));
    assert.equal((await fetch(`${reg.url}/v2/public/p/blobs/uploads/?digest=${dg}`, { method: "POST", body: cfg, headers: bearer(mount) })).status, 201);
    const anon = await tokenFor(["repository:public/p:pull,push"]);
    assert.equal((await fetch(`${reg.url}/v2/public/p/blobs/${dg}`, { headers: bearer(anon) })).status, 200);
    const anonPush = await fetch(`${reg.url}/v2/public/p/blobs/uploads/`, { method: "POST", headers: bearer(anon) });
    assert.equal(anonPush.status, 401, "anonymous is never DENIED: it is asked to log in");
  });

  test("bad, forged and foreign tokens → 401 invalid_token; catalog needs registry:catalog:*", async () => {
    const r = await fetch(`${reg.url}/v2/alice/x/manifests/v1`, { headers: bearer("not.a.token") });
    assert.equal(r.status, 401);
    assert.match(r.headers.get("www-authenticate")!, /error="invalid_token"/);
    const foreign = new TokenIssuer(Buffer.alloc(32, 1), "berth-registry").issue("alice", [{ type: "repository", name: "alice/x", actions: ["pull"] }]);
    assert.equal((await fetch(`${reg.url}/v2/alice/x/manifests/v1`, { headers: bearer(foreign.token) })).status, 401);

    const noCat = await tokenFor([], basic("alice", "alicepw"));
    const c1 = await fetch(`${reg.url}/v2/_catalog`, { headers: bearer(noCat) });
    assert.equal(c1.status, 401);
    assert.match(c1.headers.get("www-authenticate")!, /scope="registry:catalog:\*"/);
    const cat = await tokenFor(["registry:catalog:*"], basic("alice", "alicepw"));
    const c2 = await fetch(`${reg.url}/v2/_catalog`, { headers: bearer(cat) });
    assert.equal(c2.status, 200);
    assert.ok(((await c2.json()) as { repositories: string[] }).repositories.includes("alice/x"));
  });

  test("tokens outlive a restart on the same root (the secret is in the root)", async () => {
    const t = await tokenFor(["repository:alice/x:pull"], basic("alice", "alicepw"));
    const htpasswd = path.join(dir, "htpasswd");
    await reg.stop();
    reg = await startTestRegistry({ root, htpasswd, auth: "token", policy: [{ repository: "alice/*", pull: ["alice"], push: ["alice"] }] });
    assert.equal((await fetch(`${reg.url}/v2/alice/x/manifests/v1`, { headers: bearer(t) })).status, 200);
  });
});

describe("registry server: token mode needs users", () => {
  test("auth token without htpasswd is refused", async () => {
    await assert.rejects(startTestRegistry({ auth: "token" }), /htpasswd/);
  });
});
