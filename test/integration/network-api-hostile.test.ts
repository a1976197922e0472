/**
 * Malformed and hostile input to every network endpoint and to the network
 * parts of container create: a Docker-shaped {"message"} with the right
 * status, no crash, and nothing created.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, runCmd, startDaemon, type TestDaemon } from "./harness.js";

describe("network API: hostile input", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  async function expectError(method: string, path: string, body: unknown, status: number, message?: RegExp) {
    const r = await d.api(method, path, body);
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)} → ${r.status} ${r.body}`);
    const j = r.json<{ message: string }>();
    assert.equal(typeof j.message, "string");
    if (message) assert.match(j.message, message);
  }

  test("POST /networks/create refuses bad bodies", async () => {
    await expectError("POST", "/networks/create", "{not json", 400, /invalid JSON/);
    await expectError("POST", "/networks/create", "[]", 400);
    await expectError("POST", "/networks/create", {}, 400, /name/);
    await expectError("POST", "/networks/create", { Name: 7 }, 400);
    await expectError("POST", "/networks/create", { Name: "x".repeat(5000) }, 400);
    await expectError("POST", "/networks/create", { Name: "../../etc" }, 400);
    await expectError("POST", "/networks/create", { Name: "a b" }, 400);
    await expectError("POST", "/networks/create", { Name: "ok1", Driver: "overlay" }, 404, /plugin "overlay" not found/);
    await expectError("POST", "/networks/create", { Name: "ok1", Driver: "host" }, 403);
    await expectError("POST", "/networks/create", { Name: "ok1", Internal: "yes" }, 400);
    await expectError("POST", "/networks/create", { Name: "ok1", Labels: { a: 1 } }, 400);
    await expectError("POST", "/networks/create", { Name: "ok1", IPAM: "x" }, 400);
    await expectError("POST", "/networks/create", { Name: "ok1", IPAM: { Config: [{ Subnet: "10.0.0.300/24" }] } }, 400);
    await expectError("POST", "/networks/create", { Name: "ok1", IPAM: { Config: [{ Subnet: "10.77.0.5/24" }] } }, 400, /should be 10\.77\.0\.0\/24/);
    await expectError("POST", "/networks/create", { Name: "ok1", IPAM: { Config: [{ Subnet: "10.77.0.0/24", Gateway: "10.78.0.1" }] } }, 400, /gateway/);
    await expectError("POST", "/networks/create", { Name: "ok1", IPAM: { Config: [{ Subnet: "10.77.0.0/24", IPRange: "10.77.1.0/25" }] } }, 400, /range/);
    await expectError("POST", "/networks/create", { Name: "ok1", IPAM: { Config: [{ Subnet: "10.77.0.0/31" }] } }, 400);
    await expectError("POST", "/networks/create", { Name: "ok1", IPAM: { Driver: "dhcp" } }, 400);
    await expectError("POST", "/networks/create", { Name: "ok1", Options: { "com.docker.network.bridge.name": "eth0; rm -rf /" } }, 400);
    const ls = (await d.api("GET", "/networks")).json<Array<{ Name: string }>>();
    assert.deepEqual(ls.map((n) => n.Name).sort(), ["bridge", "host", "none"], "nothing was created");
  });

  test("lookups, removal, connect and disconnect refuse what they must", async () => {
    await expectError("GET", "/networks/nope", undefined, 404, /network nope not found/);
    await expectError("DELETE", "/networks/nope", undefined, 404);
    await expectError("DELETE", "/networks/host", undefined, 403, /pre-defined/);
    await expectError("GET", "/networks?filters=%7Bbad", undefined, 400);
    await expectError("GET", `/networks?filters=${encodeURIComponent(JSON.stringify({ colour: ["red"] }))}`, undefined, 400);
    await expectError("POST", `/networks/prune?filters=${encodeURIComponent(JSON.stringify({ until: ["yesterday-ish"] }))}`, undefined, 400);
    const created = await d.api("POST", "/networks/create", { Name: "h1", IPAM: { Config: [{ Subnet: "10.79.3.0/24" }] } });
    assert.equal(created.status, 201, String(created.body));
    await expectError("POST", "/networks/create", { Name: "h1" }, 409, /already exists/);
    await expectError("POST", "/networks/h1/connect", {}, 400, /Container/);
    await expectError("POST", "/networks/h1/connect", { Container: "nope" }, 404, /No such container/);
    const c = await d.api("POST", "/containers/create", { Image: "busybox", Cmd: ["true"] });
    assert.equal(c.status, 201, String(c.body));
    const cid = c.json<{ Id: string }>().Id;
    await expectError("POST", "/networks/h1/connect", { Container: cid, EndpointConfig: { IPAMConfig: { IPv4Address: "10.80.0.5" } } }, 400, /does not belong/);
    await expectError("POST", "/networks/h1/connect", { Container: cid, EndpointConfig: { Aliases: "x" } }, 400);
    await expectError("POST", "/networks/h1/connect", { Container: cid, EndpointConfig: { MacAddress: "zz" } }, 400);
    await expectError("POST", "/networks/h1/disconnect", { Container: cid }, 409, /not connected/);
    await expectError("POST", "/networks/host/connect", { Container: cid }, 403);
    assert.equal((await d.api("DELETE", `/containers/${cid}`)).status, 204);
    assert.equal((await d.api("DELETE", "/networks/h1")).status, 204);
  });

  test("container create checks the network parts of its body", async () => {
    const base = { Image: "busybox", Cmd: ["true"] };
    await expectError("POST", "/containers/create", { ...base, HostConfig: { NetworkMode: "nosuchnet" } }, 404, /network nosuchnet not found/);
    await expectError("POST", "/containers/create", { ...base, HostConfig: { PortBindings: { "80/tcp": "x" } } }, 400);
    await expectError("POST", "/containers/create", { ...base, HostConfig: { PortBindings: { "80/tcp": [{ HostPort: 8080 }] } } }, 400);
    await expectError("POST", "/containers/create", { ...base, NetworkingConfig: { EndpointsConfig: "x" } }, 400);
    await expectError("POST", "/containers/create", { ...base, NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: ["x"] } } } }, 400, /alias/);
    await expectError("POST", "/containers/create", { ...base, NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { IPv4Address: "10.1.1.1" } } } } }, 400);
    await expectError("POST", "/containers/create", { ...base, HostConfig: { NetworkMode: "a\nb" } }, 400);
    // bad port keys and host IPs are refused at start with 400, the container stays created
    const c = await d.api("POST", "/containers/create", { ...base, HostConfig: { PortBindings: { "99999/tcp": [{ HostPort: "1" }] } } });
    assert.equal(c.status, 201);
    const id = c.json<{ Id: string }>().Id;
    await expectError("POST", `/containers/${id}/start`, undefined, 400, /invalid port/);
    assert.equal((await d.api("DELETE", `/containers/${id}`)).status, 204);
    const list = (await d.api("GET", "/containers/json?all=1")).json<unknown[]>();
    assert.equal(list.length, 0);
    // no stray bridges: only the default one exists for this daemon
    const links = JSON.parse((await runCmd(["ip", "-j", "link"])).stdout) as Array<{ ifname: string }>;
    assert.deepEqual(links.filter((l) => l.ifname.startsWith(d.net.bridgePrefix)).map((l) => l.ifname), []);
  });
});
