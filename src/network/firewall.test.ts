import assert from "node:assert/strict";
import { test } from "node:test";
import { jumpRules, rulesetText, teardownText } from "./firewall.js";

test("every rule lives in the daemon's own chains", () => {
  const text = rulesetText("BX", {
    networks: [{ bridge: "br-a", subnet: "10.1.0.0/24", internal: false }, { bridge: "br-b", subnet: "10.2.0.0/24", internal: true }],
    ports: [{ proto: "tcp", hostIp: "", hostPort: 8080, containerIp: "10.1.0.2", containerPort: 80 }, { proto: "udp", hostIp: "127.0.0.1", hostPort: 53, containerIp: "10.1.0.3", containerPort: 5353 }],
  });
  for (const l of text.split("\n").filter((x) => x.startsWith("-A") || x.startsWith(":"))) assert.match(l, /^(-A |:)BX/, l);
  assert.match(text, /-A BX -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10\.1\.0\.2:80/);
  assert.match(text, /-A BX -d 127\.0\.0\.1\/32 -p udp -m udp --dport 53 -j DNAT --to-destination 10\.1\.0\.3:5353/);
  assert.match(text, /-A BX-POSTROUTING -s 10\.1\.0\.0\/24 ! -o br-a -j MASQUERADE/);
  assert.doesNotMatch(text, /-s 10\.2\.0\.0\/24 ! -o br-b -j MASQUERADE/, "internal networks are not NATed out");
  assert.match(text, /-A BX-FORWARD -i br-b -j DROP/);
  assert.match(text, /-A BX-ISOLATION -i br-a -o br-b -m conntrack ! --ctstate DNAT -j DROP/);
  assert.equal(text.match(/^COMMIT$/gm)?.length, 2);
});

test("jumps are one per built-in chain; teardown removes only what is present", () => {
  const jumps = jumpRules("BX");
  assert.deepEqual(jumps.map((j) => `${j.table}/${j.chain}`), ["nat/PREROUTING", "nat/OUTPUT", "nat/POSTROUTING", "filter/FORWARD"]);
  const t = teardownText("BX", { jumps: [jumps[3]!], chains: new Set(["BX-FORWARD", "BX-ISOLATION"]) });
  assert.match(t, /-D FORWARD -j BX-FORWARD/);
  assert.match(t, /-X BX-FORWARD/);
  assert.doesNotMatch(t, /-X BX-POSTROUTING|PREROUTING/);
});
