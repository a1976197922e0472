import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError, UnavailableError } from "../errors/index.js";
import { allocateAddress, DEFAULT_POOLS, pickSubnet, validatePools } from "./ipam.js";
import { formatCidr, formatIp, macForIp, overlaps, parseCidr, parseIp } from "./ipv4.js";
import { subnetsFromAddrs, subnetsFromRoutes } from "./host-routes.js";

test("CIDR parsing: strict subnets, bad input refused", () => {
  assert.equal(formatCidr(parseCidr("10.1.2.0/24", { strict: true })), "10.1.2.0/24");
  assert.throws(() => parseCidr("10.1.2.3/24", { strict: true }), /should be 10\.1\.2\.0\/24/);
  for (const bad of ["10.1.2.0", "10.1.2.0/33", "300.1.2.0/24", "a.b.c.d/8", "10.1.2.0/-1", "10.1.2.0/24/1"]) assert.throws(() => parseCidr(bad), InvalidArgumentError, bad);
  assert.equal(formatIp(parseIp("255.255.255.255")), "255.255.255.255");
});

test("overlap and Docker's MAC derivation", () => {
  assert.ok(overlaps(parseCidr("10.0.0.0/8"), parseCidr("10.5.0.0/16")));
  assert.ok(!overlaps(parseCidr("10.0.0.0/24"), parseCidr("10.0.1.0/24")));
  assert.equal(macForIp(parseIp("172.17.0.2")), "02:42:ac:11:00:02");
});

test("pickSubnet skips what the host and other networks use", () => {
  const taken = [parseCidr("172.17.0.0/16"), parseCidr("172.18.5.0/24"), parseCidr("192.0.2.0/24")];
  assert.equal(formatCidr(pickSubnet(DEFAULT_POOLS, taken)), "172.19.0.0/16");
  const pools = [{ base: "10.9.0.0/23", size: 24 }];
  assert.equal(formatCidr(pickSubnet(pools, [parseCidr("10.9.0.7/32")])), "10.9.1.0/24");
  assert.throws(() => pickSubnet(pools, [parseCidr("10.9.0.0/22")]), UnavailableError);
  assert.throws(() => validatePools([{ base: "10.0.0.0/16", size: 8 }]), InvalidArgumentError);
});

test("addresses skip network, gateway, broadcast and used ones, respect the range, and run out", () => {
  const s = parseCidr("10.0.0.0/29");
  const gw = parseIp("10.0.0.1");
  assert.equal(formatIp(allocateAddress(s, undefined, gw, new Set())), "10.0.0.2");
  assert.equal(formatIp(allocateAddress(s, undefined, gw, new Set([parseIp("10.0.0.2")]))), "10.0.0.3");
  assert.equal(formatIp(allocateAddress(s, undefined, gw, new Set(), parseIp("10.0.0.3"))), "10.0.0.4", "continues after the last one");
  assert.equal(formatIp(allocateAddress(s, parseCidr("10.0.0.4/30"), gw, new Set())), "10.0.0.4");
  const all = new Set(["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"].map(parseIp));
  assert.throws(() => allocateAddress(s, undefined, gw, all), UnavailableError);
});

test("host routes and addresses become taken subnets; default and local routes do not", () => {
  const r = subnetsFromRoutes([{ dst: "default" }, { dst: "192.0.2.0/24" }, { dst: "10.1.1.1" }, { dst: "127.0.0.0/8", type: "local" }, { dst: "fe80::/64" }]);
  assert.deepEqual(r.map(formatCidr), ["192.0.2.0/24", "10.1.1.1/32"]);
  const a = subnetsFromAddrs([{ addr_info: [{ family: "inet", local: "172.20.3.4", prefixlen: 16 }, { family: "inet", local: "127.0.0.1", prefixlen: 8 }, { family: "inet6", local: "::1" }] }]);
  assert.deepEqual(a.map(formatCidr), ["172.20.0.0/16"]);
});
