import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import { exposedPorts } from "./expose.js";

// Every expectation below is what dockerd 20.10.24 put in ExposedPorts (or said) for `EXPOSE <value>`.
const ok: Array<[string, string[]]> = [
  ["80", ["80/tcp"]],
  ["80/UDP", ["80/udp"]],
  ["8000-8002", ["8000/tcp", "8001/tcp", "8002/tcp"]],
  ["8000-8002/udp", ["8000/udp", "8001/udp", "8002/udp"]],
  ["1.2.3.4:80:81", ["81/tcp"]],
  ["80:90", ["90/tcp"]],
  ["80/", ["80/tcp"]],
  ["0", ["0/tcp"]],
  ["65535", ["65535/tcp"]],
  ["[::1]:80:81/sctp", ["81/sctp"]],
  ["1-2-3", ["1/tcp", "2/tcp"]],
  ["80/tcp/x", ["80/tcp"]],
  ["80-81:90-91", ["90/tcp", "91/tcp"]],
  [":90", ["90/tcp"]],
  ["1.2.3.4::90", ["90/tcp"]],
];
for (const [value, want] of ok) test(`EXPOSE ${value}`, () => assert.deepEqual(exposedPorts([value]), want));

const bad: Array<[string, string]> = [
  ["x", "Invalid containerPort: x"],
  ["80/xyz", "Invalid proto: xyz"],
  ["90-80", "Invalid containerPort: 90-80"],
  ["70000", "Invalid containerPort: 70000"],
  ["-1", "Invalid containerPort: -1"],
  ["80-", "Invalid containerPort: 80-"],
  ["/tcp", "No port specified: /tcp<empty>"],
  ["x:80:81", "Invalid ip address: x"],
  ["a:90", "Invalid hostPort: a"],
  ["1.2.3.4:80-81:90-92", "Invalid ranges specified for container and host Ports: 90-92 and 80-81"],
  ["[::1:80:81", "Invalid ip address [::1: address [::1:: missing ']' in address"],
];
for (const [value, message] of bad) {
  test(`EXPOSE ${value} fails`, () => assert.throws(() => exposedPorts([value]), (err: unknown) => err instanceof InvalidArgumentError && err.message === message));
}

test("several values, duplicates once, a huge range stays bounded by 65536 ports", () => {
  assert.deepEqual(exposedPorts(["80", "80/tcp", "53/udp"]), ["80/tcp", "53/udp"]);
  assert.equal(exposedPorts(Array.from({ length: 200 }, () => "0-65535")).length, 65536);
});
