/**
 * The embedded DNS server answering a real resolver: busybox's nslookup in a
 * container run by berthd (host network, so the server on the host's
 * loopback is reachable) asks for names of a pretend network, reverse
 * lookups, and names that go to a fake upstream resolver on real sockets.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { EmbeddedDns } from "../../src/network/dns/index.js";
import { FakeUpstream, upstreamReply } from "../../src/network/dns/test-kit.js";
import { Rcode, nameToText, readName } from "../../src/network/dns/wire.js";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

const SERVER = "127.0.86.1";
const UPSTREAM = "127.0.86.2";

describe("embedded DNS answers busybox nslookup in a container", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  let dns: EmbeddedDns;
  let upstream: FakeUpstream;
  let port = 0;
  const clients = new Set<string>();

  before(async () => {
    upstream = await new FakeUpstream(UPSTREAM, (q) => {
      // "nosuch.example" does not exist upstream; everything else resolves.
      const name = nameToText(readName(q, 12).labels);
      return name === "nosuch.example" ? upstreamReply(q, { rcode: Rcode.NxDomain, authoritative: true }) : upstreamReply(q, { answers: ["93.184.216.34"] });
    }).start();
    dns = new EmbeddedDns({
      resolve: (name, type, client) => {
        clients.add(client);
        if (type === "PTR") return name === "172.18.0.2" ? { ptr: "web.mynet" } : undefined;
        const v4: Record<string, string[]> = { web: ["172.18.0.2"], "web.mynet": ["172.18.0.2"], app: ["172.18.0.4", "172.18.0.5"] };
        if (!v4[name]) return undefined;
        return { addresses: type === "A" ? v4[name]! : [] };
      },
      upstreams: () => [upstream.endpoint],
      forwardTimeoutMs: 1000,
    });
    port = await dns.listen(SERVER, 0);
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
    await dns?.closeAll();
    await upstream?.stop();
  });

  const nslookup = (...args: string[]) => d.docker(["run", "--rm", "--network", "host", "busybox", "nslookup", ...args, `${SERVER}:${port}`]);

  test("a container name resolves, in any case and with a trailing dot", async () => {
    for (const name of ["web", "WEB.MyNet."]) {
      const r = await nslookup(name);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Address:\s+172\.18\.0\.2$/m);
      assert.doesNotMatch(r.stdout + r.stderr, /93\.184\.216\.34|can't find/);
    }
    assert.ok(clients.has("127.0.0.1"), [...clients].join(","));
  });

  test("an alias with two containers gives both addresses", async () => {
    const r = await nslookup("-type=a", "app");
    assert.equal(r.code, 0, r.stderr);
    const addrs = [...r.stdout.matchAll(/Address:\s+(172\.18\.0\.\d+)$/gm)].map((m) => m[1]).sort();
    assert.deepEqual(addrs, ["172.18.0.4", "172.18.0.5"]);
  });

  test("a reverse lookup of a container address gives its name", async () => {
    const r = await nslookup("172.18.0.2");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2\.0\.18\.172\.in-addr\.arpa\s+name = web\.mynet/);
  });

  test("other names go upstream, NXDOMAIN included", async () => {
    const before = upstream.seen.length;
    const ok = await nslookup("-type=a", "example.com");
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Address:\s+93\.184\.216\.34$/m);
    const missing = await nslookup("-type=a", "nosuch.example");
    assert.notEqual(missing.code, 0);
    assert.match(missing.stdout + missing.stderr, /NXDOMAIN/);
    assert.ok(upstream.seen.length >= before + 2);
  });
});
