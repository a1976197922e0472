import { test } from "node:test";
import assert from "node:assert/strict";
import { registryConfig } from "./system.js";

test("RegistryConfig: CIDRs join 127.0.0.0/8, host:port entries become insecure IndexConfigs", () => {
  assert.deepEqual(registryConfig(), {
    InsecureRegistryCIDRs: ["127.0.0.0/8"],
    IndexConfigs: { "docker.io": { Name: "docker.io", Mirrors: [], Secure: true, Official: true } },
    Mirrors: [],
  });
  const rc = registryConfig(["reg.lan:5000", "10.0.0.0/8", "127.0.0.0/8"]) as { InsecureRegistryCIDRs: string[]; IndexConfigs: Record<string, { Secure: boolean }> };
  assert.deepEqual(rc.InsecureRegistryCIDRs, ["127.0.0.0/8", "10.0.0.0/8"]);
  assert.equal(rc.IndexConfigs["reg.lan:5000"]?.Secure, false);
  assert.equal(rc.IndexConfigs["docker.io"]?.Secure, true);
});
