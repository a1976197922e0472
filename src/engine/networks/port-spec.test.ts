import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "../../errors/index.js";
import { portWants } from "./port-spec.js";

test("bindings, ranges, random ports and -P", () => {
  const w = portWants({ "80/tcp": [{ hostIp: "0.0.0.0", hostPort: "8080" }, { hostIp: "127.0.0.1", hostPort: "" }], "53/udp": [{ hostIp: "", hostPort: "5300-5310" }] }, true, { "80/tcp": {}, "443/tcp": {} });
  assert.deepEqual(w, [
    { proto: "tcp", containerPort: 80, hostIp: "", from: 8080, to: 8080 },
    { proto: "tcp", containerPort: 80, hostIp: "127.0.0.1", from: 0, to: 0 },
    { proto: "udp", containerPort: 53, hostIp: "", from: 5300, to: 5310 },
    { proto: "tcp", containerPort: 443, hostIp: "", from: 0, to: 0 },
  ]);
});

test("bad keys, host ports and host IPs are refused", () => {
  for (const [key, b] of [["0/tcp", "1"], ["80/icmp", "1"], ["x", "1"], ["80", "70000"], ["80", "90-80"], ["80", "a"]] as const) {
    assert.throws(() => portWants({ [key]: [{ hostIp: "", hostPort: b }] }, false, {}), InvalidArgumentError, `${key} ${b}`);
  }
  assert.throws(() => portWants({ "80": [{ hostIp: "::1", hostPort: "" }] }, false, {}), InvalidArgumentError);
});
