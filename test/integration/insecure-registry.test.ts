/**
 * Docker's --insecure-registry: a registry on this machine's non-loopback
 * address speaks plain HTTP. A berthd without the flag reaches it over HTTPS
 * only, so push fails with a TLS error; a berthd started with
 * `--insecure-registry IP:PORT` tries HTTPS, falls back to HTTP, and push
 * and pull work. /info reports the entry.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startRegistry } from "../../src/registry/server/serve.js";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

function nonLoopbackIPv4(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === "IPv4" && !a.internal && !a.address.startsWith("127.") && !a.address.startsWith("169.254.")) return a.address;
    }
  }
  return undefined;
}

const ip = nonLoopbackIPv4();

describe("insecure registries", { skip: (!isRoot && "needs root") || (!ip && "this machine has no non-loopback IPv4 address") }, () => {
  let secure: TestDaemon;
  let insecure: TestDaemon;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let regRoot: string;
  let host: string;
  before(async () => {
    regRoot = await fs.mkdtemp(path.join(os.tmpdir(), "reg-"));
    registry = await startRegistry({ root: regRoot, host: "0.0.0.0", port: 0 });
    host = `${ip}:${registry.port}`;
    [secure, insecure] = await Promise.all([startDaemon(), startDaemon(["--insecure-registry", host])]);
  });
  after(async () => {
    await Promise.all([secure?.stop(), insecure?.stop()]);
    await registry?.close();
    await fs.rm(regRoot, { recursive: true, force: true });
  });

  test("/info lists the insecure registry and keeps 127.0.0.0/8", async () => {
    const info = (await insecure.api("GET", "/info")).json<any>();
    assert.deepEqual(info.RegistryConfig.InsecureRegistryCIDRs, ["127.0.0.0/8"]);
    assert.equal(info.RegistryConfig.IndexConfigs[host].Secure, false);
    assert.equal(info.RegistryConfig.IndexConfigs["docker.io"].Secure, true);
    const plain = (await secure.api("GET", "/info")).json<any>();
    assert.equal(plain.RegistryConfig.IndexConfigs[host], undefined);
  });

  test("without the flag push is HTTPS only and fails; with it push and pull work", async () => {
    const ref = `${host}/x/bb:1`;
    await importBusybox(secure, "bb:1");
    assert.equal((await secure.docker(["tag", "bb:1", ref])).code, 0);
    const refused = await secure.docker(["push", ref]);
    assert.notEqual(refused.code, 0, refused.stdout);
    assert.match(refused.stderr + refused.stdout, new RegExp(`https://${host.replace(/\./g, "\\.")}/v2/`));
    assert.match(refused.stderr, /SSL|TLS|wrong version number/i, "an HTTPS (TLS) error");

    const id = await importBusybox(insecure, "bb:1");
    assert.equal((await insecure.docker(["tag", "bb:1", ref])).code, 0);
    const push = await insecure.docker(["push", ref]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /1: digest: sha256:[0-9a-f]{64} size: \d+/);

    assert.equal((await insecure.docker(["rmi", ref, "bb:1"])).code, 0);
    const pull = await insecure.docker(["pull", ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await insecure.docker(["image", "inspect", "-f", "{{.Id}}", ref])).stdout.trim(), id);

    const pullRefused = await secure.docker(["pull", `${host}/x/bb:1`]);
    assert.notEqual(pullRefused.code, 0);
  });
});
