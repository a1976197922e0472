import { test, describe, type TestContext } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import { AlreadyExistsError } from "../../errors/index.js";
import { EmbeddedDns, type EmbeddedDnsOptions } from "./embedded-dns.js";
import type { DnsAnswer, DnsQueryType } from "./query-handler.js";
import { FakeUpstream, decodeReply, encodeQuery, tcpExchange, tcpQuery, udpExchange, upstreamReply, type Endpoint, type UpstreamBehaviour } from "./test-kit.js";
import { frame } from "./tcp-frames.js";
import { Rcode, RrType, encodeName } from "./wire.js";
import { NetworkNameTable } from "./name-table.js";

// Every test binds its own 127.0.0.x address (all of 127/8 is loopback on
// Linux) on a kernel-chosen port, so tests can run side by side.
let nextHost = 10 + Math.floor(Math.random() * 200);
const freshAddress = () => `127.0.${Math.floor(Math.random() * 250) + 1}.${nextHost++ % 250 + 1}`;

const NETWORK: Record<string, string[]> = {
  web: ["172.18.0.2"],
  "web.mynet": ["172.18.0.2"],
  db: ["172.18.0.3"],
  app: ["172.18.0.4", "172.18.0.5"],
  dual: ["172.18.0.6", "fd00::6"],
};

function networkResolver(calls: Array<[string, DnsQueryType, string, string]> = []) {
  return (name: string, type: DnsQueryType, client: string, server: string): DnsAnswer | undefined => {
    calls.push([name, type, client, server]);
    if (type === "PTR") return name === "172.18.0.2" ? { ptr: "web.mynet" } : name === "fd00::6" ? { ptr: "dual.mynet" } : undefined;
    return NETWORK[name] ? { addresses: NETWORK[name]! } : undefined;
  };
}

interface Rig {
  dns: EmbeddedDns;
  at: Endpoint;
  upstream: FakeUpstream;
  logs: string[];
}

async function startRig(t: TestContext, o: Partial<EmbeddedDnsOptions> & { upstreamBehaviour?: UpstreamBehaviour; extraUpstreams?: FakeUpstream[] } = {}): Promise<Rig> {
  const upstream = await new FakeUpstream(freshAddress(), o.upstreamBehaviour ?? ((q) => upstreamReply(q, { answers: ["93.184.216.34"] }))).start();
  t.after(() => upstream.stop());
  const logs: string[] = [];
  const dns = new EmbeddedDns({
    resolve: networkResolver(),
    upstreams: () => [...(o.extraUpstreams ?? []).map((u) => u.endpoint), upstream.endpoint],
    forwardTimeoutMs: 300,
    log: (m) => logs.push(m),
    ...o,
  });
  t.after(() => dns.closeAll());
  const address = freshAddress();
  const port = await dns.listen(address, 0);
  return { dns, at: { address, port }, upstream, logs };
}

const ask = async (at: Endpoint, name: string, type = RrType.A as number, id = 4242) => decodeReply(await udpExchange(at, encodeQuery({ id, name, type })));

describe("EmbeddedDns: names of the network", () => {
  test("A over UDP: id, question as sent, TTL 600, RA, case-insensitive, trailing dot", async (t) => {
    const calls: Array<[string, DnsQueryType, string, string]> = [];
    const { at } = await startRig(t, { resolve: networkResolver(calls) });
    const r = await ask(at, "WEB.", RrType.A, 777);
    assert.equal(r.header.id, 777);
    assert.equal(r.header.rcode, Rcode.NoError);
    assert.ok(r.header.isResponse);
    assert.deepEqual(r.questions, [{ name: "WEB", type: 1 }]);
    assert.deepEqual(r.answers, [{ name: "WEB", type: 1, ttl: 600, data: "172.18.0.2" }]);
    assert.deepEqual(calls[0], ["web", "A", "127.0.0.1", at.address]);
    assert.deepEqual((await ask(at, "Web.MyNet")).answers.map((a) => a.data), ["172.18.0.2"]);
  });

  test("several addresses all come back", async (t) => {
    const { at } = await startRig(t);
    assert.deepEqual((await ask(at, "app")).answers.map((a) => a.data).sort(), ["172.18.0.4", "172.18.0.5"]);
  });

  test("AAAA: the IPv6 addresses, or an empty NOERROR for a name that has none; never forwarded", async (t) => {
    const { at, upstream } = await startRig(t);
    const none = await ask(at, "web", RrType.AAAA);
    assert.equal(none.header.rcode, Rcode.NoError);
    assert.deepEqual(none.answers, []);
    assert.deepEqual((await ask(at, "dual", RrType.AAAA)).answers.map((a) => [a.type, a.data]), [[28, "fd00::6"]]);
    assert.deepEqual((await ask(at, "dual", RrType.A)).answers.map((a) => a.data), ["172.18.0.6"]);
    assert.equal(upstream.seen.length, 0);
  });

  test("MX for a known name: empty NOERROR (implicit MX); for an unknown one: forwarded", async (t) => {
    const { at, upstream } = await startRig(t);
    const r = await ask(at, "db", RrType.MX);
    assert.equal(r.header.rcode, Rcode.NoError);
    assert.equal(r.answers.length, 0);
    assert.equal(upstream.seen.length, 0);
    await ask(at, "example.com", RrType.MX);
    assert.equal(upstream.seen.length, 1);
  });

  test("PTR for the network's addresses, IPv4 and IPv6; other reverse names go upstream", async (t) => {
    const calls: Array<[string, DnsQueryType, string, string]> = [];
    const { at, upstream } = await startRig(t, { resolve: networkResolver(calls) });
    const v4 = await ask(at, "2.0.18.172.in-addr.arpa", RrType.PTR);
    assert.deepEqual(v4.answers, [{ name: "2.0.18.172.in-addr.arpa", type: 12, ttl: 600, data: "web.mynet" }]);
    assert.deepEqual(calls[0], ["172.18.0.2", "PTR", "127.0.0.1", at.address]);
    const v6name = "6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";
    assert.deepEqual((await ask(at, v6name, RrType.PTR)).answers.map((a) => a.data), ["dual.mynet"]);
    await ask(at, "9.0.18.172.in-addr.arpa", RrType.PTR);
    await ask(at, "18.172.in-addr.arpa", RrType.PTR);
    assert.equal(upstream.seen.length, 2);
  });

  test("a resolver that throws gives SERVFAIL; an unencodable PTR name is forwarded", async (t) => {
    const { at, upstream } = await startRig(t, {
      resolve: (name, type) => {
        if (type === "PTR") return { ptr: "bad..name" };
        throw new Error(`boom for ${name}`);
      },
    });
    const r = await ask(at, "web");
    assert.equal(r.header.rcode, Rcode.ServFail);
    assert.deepEqual(r.questions, [{ name: "web", type: 1 }]);
    await ask(at, "2.0.18.172.in-addr.arpa", RrType.PTR);
    assert.equal(upstream.seen.length, 1);
  });

  test("an async resolver works the same", async (t) => {
    const { at } = await startRig(t, { resolve: async (name) => (name === "slow" ? { addresses: ["172.18.0.9"] } : undefined) });
    assert.deepEqual((await ask(at, "slow")).answers.map((a) => a.data), ["172.18.0.9"]);
  });

  test("searchDomains (opt-in): a name carrying the container's search domain is tried without it", async (t) => {
    const { at, upstream } = await startRig(t, { searchDomains: () => ["corp.example."] });
    assert.deepEqual((await ask(at, "db.corp.example")).answers.map((a) => a.data), ["172.18.0.3"]);
    assert.equal(upstream.seen.length, 0);
    const plain = await startRig(t);
    await ask(plain.at, "db.corp.example");
    assert.equal(plain.upstream.seen.length, 1, "without the option the name goes upstream, as in Docker");
  });

  test("too many answers for 512 octets: TC over UDP, everything with EDNS or over TCP", async (t) => {
    const many = Array.from({ length: 60 }, (_, i) => `10.1.${i}.1`);
    const { at } = await startRig(t, { resolve: (n) => (n === "many" ? { addresses: many } : undefined) });
    const udp = decodeReply(await udpExchange(at, encodeQuery({ name: "many" })));
    assert.ok(udp.header.isTruncated);
    assert.ok(udp.answers.length < 60);
    const edns = decodeReply(await udpExchange(at, encodeQuery({ name: "many", edns: 4096 })));
    assert.ok(!edns.header.isTruncated);
    assert.equal(edns.answers.length, 60);
    const tcp = decodeReply(await tcpQuery(at, encodeQuery({ name: "many" })));
    assert.ok(!tcp.header.isTruncated);
    assert.equal(tcp.answers.length, 60);
  });
});

describe("EmbeddedDns: forwarding", () => {
  test("unknown names are relayed byte for byte, id preserved, over UDP", async (t) => {
    const { at, upstream } = await startRig(t);
    const query = encodeQuery({ id: 0xbeef, name: "example.com" });
    const raw = await udpExchange(at, query);
    assert.deepEqual(upstream.seen.map((s) => [s.transport, s.query.toString("hex")]), [["udp", query.toString("hex")]]);
    assert.equal(raw.toString("hex"), upstreamReply(query, { answers: ["93.184.216.34"] }).toString("hex"));
  });

  test("unknown single-label names and names in the network's domain are forwarded too (Docker does)", async (t) => {
    const { at, upstream } = await startRig(t, { upstreamBehaviour: (q) => upstreamReply(q, { rcode: Rcode.NxDomain }) });
    assert.equal((await ask(at, "nosuch")).header.rcode, Rcode.NxDomain);
    assert.equal((await ask(at, "nosuch.mynet")).header.rcode, Rcode.NxDomain);
    assert.equal(upstream.seen.length, 2);
  });

  test("other types and classes are forwarded", async (t) => {
    const { at, upstream } = await startRig(t);
    await ask(at, "web", 16 /* TXT */);
    await udpExchange(at, encodeQuery({ name: "version.bind", type: 16, class: 3 }));
    assert.equal(upstream.seen.length, 2);
  });

  test("TCP clients are forwarded over TCP", async (t) => {
    const { at, upstream } = await startRig(t);
    const r = decodeReply(await tcpQuery(at, encodeQuery({ id: 5, name: "example.org" })));
    assert.equal(r.header.id, 5);
    assert.deepEqual(r.answers.map((a) => a.data), ["93.184.216.34"]);
    assert.deepEqual(upstream.seen.map((s) => s.transport), ["tcp"]);
  });

  test("a silent upstream: SERVFAIL after the timeout, and the server answers afterwards", async (t) => {
    const { at, dns } = await startRig(t, { upstreamBehaviour: () => undefined });
    const r = await ask(at, "example.com", RrType.A, 31);
    assert.equal(r.header.id, 31);
    assert.equal(r.header.rcode, Rcode.ServFail);
    assert.equal(dns.inFlight, 0);
    assert.equal((await ask(at, "web")).answers[0]!.data, "172.18.0.2");
  });

  test("no upstream at all, or a failing upstream list: SERVFAIL", async (t) => {
    const { at } = await startRig(t, { upstreams: () => [] });
    assert.equal((await ask(at, "example.com")).header.rcode, Rcode.ServFail);
    const failing = await startRig(t, {
      upstreams: () => {
        throw new Error("no resolv.conf");
      },
    });
    assert.equal((await ask(failing.at, "example.com")).header.rcode, Rcode.ServFail);
  });

  test("the next upstream is tried after a silent one and after SERVFAIL/REFUSED", async (t) => {
    const silent = await new FakeUpstream(freshAddress(), () => undefined).start();
    const refusing = await new FakeUpstream(freshAddress(), (q) => upstreamReply(q, { rcode: Rcode.Refused })).start();
    t.after(() => silent.stop());
    t.after(() => refusing.stop());
    const { at, upstream } = await startRig(t, { extraUpstreams: [silent, refusing] });
    const r = await ask(at, "example.com");
    assert.equal(r.header.rcode, Rcode.NoError);
    assert.deepEqual(r.answers.map((a) => a.data), ["93.184.216.34"]);
    assert.deepEqual([silent.seen.length, refusing.seen.length, upstream.seen.length], [1, 1, 1]);
  });

  test("only the first three upstreams are used (Docker's maxExtDNS)", async (t) => {
    const silents = await Promise.all([1, 2, 3].map(() => new FakeUpstream(freshAddress(), () => undefined).start()));
    for (const s of silents) t.after(() => s.stop());
    const { at, upstream } = await startRig(t, { extraUpstreams: silents });
    assert.equal((await ask(at, "example.com")).header.rcode, Rcode.ServFail);
    assert.equal(upstream.seen.length, 0);
  });

  test("a reply with the wrong id is ignored (spoofing), so the query times out", async (t) => {
    const { at } = await startRig(t, {
      upstreamBehaviour: (q) => {
        const r = upstreamReply(q, { answers: ["6.6.6.6"] });
        r.writeUInt16BE(q.readUInt16BE(0) ^ 1, 0);
        return r;
      },
    });
    const r = await ask(at, "example.com");
    assert.equal(r.header.rcode, Rcode.ServFail);
    assert.deepEqual(r.answers, []);
  });

  test("TC over UDP upstream: retried over TCP, the full answer relayed when it fits the client", async (t) => {
    const { at, upstream } = await startRig(t, {
      upstreamBehaviour: (q, transport) => (transport === "udp" ? upstreamReply(q, { isTruncated: true }) : upstreamReply(q, { answers: ["1.1.1.1", "1.0.0.1"] })),
    });
    const r = await ask(at, "big.example");
    assert.ok(!r.header.isTruncated);
    assert.deepEqual(r.answers.map((a) => a.data), ["1.1.1.1", "1.0.0.1"]);
    assert.deepEqual(upstream.seen.map((s) => s.transport), ["udp", "tcp"]);
  });

  test("TC over UDP upstream and a TCP answer too big for the client: the truncated answer goes back", async (t) => {
    const many = Array.from({ length: 60 }, (_, i) => `10.2.${i}.1`);
    const { at } = await startRig(t, {
      upstreamBehaviour: (q, transport) => (transport === "udp" ? upstreamReply(q, { isTruncated: true, answers: many.slice(0, 3) }) : upstreamReply(q, { answers: many })),
    });
    const r = await ask(at, "big.example");
    assert.ok(r.header.isTruncated);
    assert.equal(r.answers.length, 3);
    const tcp = decodeReply(await tcpQuery(at, encodeQuery({ name: "big.example" })));
    assert.equal(tcp.answers.length, 60);
  });

  test("an upstream that ignores the client's size: a TC reply without answers", async (t) => {
    const many = Array.from({ length: 60 }, (_, i) => `10.3.${i}.1`);
    const { at } = await startRig(t, { upstreamBehaviour: (q) => upstreamReply(q, { answers: many }) });
    const r = await ask(at, "big.example");
    assert.ok(r.header.isTruncated);
    assert.deepEqual(r.answers, []);
    assert.deepEqual(r.questions, [{ name: "big.example", type: 1 }]);
  });

  test("the upstream list is asked per client (a container's --dns servers)", async (t) => {
    const asked: string[] = [];
    const { at } = await startRig(t, {
      upstreams: (client) => {
        asked.push(client);
        return [];
      },
    });
    await ask(at, "example.com");
    assert.deepEqual(asked, ["127.0.0.1"]);
  });

  test("the upstream list is read per query", async (t) => {
    let list: Endpoint[] = [];
    const { at, upstream } = await startRig(t, { upstreams: () => list });
    assert.equal((await ask(at, "example.com")).header.rcode, Rcode.ServFail);
    list = [upstream.endpoint];
    assert.equal((await ask(at, "example.com")).header.rcode, Rcode.NoError);
  });
});

describe("EmbeddedDns: listeners", () => {
  test("listen twice on one address is AlreadyExistsError; close stops it; listening again works", async (t) => {
    const { dns, at } = await startRig(t);
    await assert.rejects(dns.listen(at.address, 0), AlreadyExistsError);
    assert.deepEqual(dns.addresses, [at.address]);
    await dns.close(at.address);
    assert.deepEqual(dns.addresses, []);
    await assert.rejects(tcpQuery(at, encodeQuery({ name: "web" })), /ECONNREFUSED/);
    const port = await dns.listen(at.address, at.port);
    assert.equal(port, at.port);
    assert.equal((await ask(at, "web")).answers[0]!.data, "172.18.0.2");
  });

  test("a port held by someone else is the bind error", async (t) => {
    const { at } = await startRig(t);
    const other = new EmbeddedDns({ resolve: () => undefined, upstreams: () => [] });
    t.after(() => other.closeAll());
    await assert.rejects(other.listen(at.address, at.port), /EADDRINUSE/);
    assert.deepEqual(other.addresses, []);
  });

  test("several addresses on one server, closed one by one", async (t) => {
    const { dns, at } = await startRig(t);
    const second = freshAddress();
    const port = await dns.listen(second, 0);
    assert.equal((await ask({ address: second, port }, "db")).answers[0]!.data, "172.18.0.3");
    await dns.close(second);
    assert.equal((await ask(at, "db")).answers[0]!.data, "172.18.0.3");
  });

  test("an IPv6 listen address serves UDP and TCP; the client address comes without a v4-mapped prefix", async (t) => {
    const calls: Array<[string, DnsQueryType, string, string]> = [];
    const { dns } = await startRig(t, { resolve: networkResolver(calls) });
    const port = await dns.listen("::1", 0);
    const at = { address: "::1", port };
    assert.deepEqual(decodeReply(await udpExchange(at, encodeQuery({ name: "web" }))).answers.map((a) => a.data), ["172.18.0.2"]);
    assert.deepEqual(decodeReply(await tcpQuery(at, encodeQuery({ name: "dual", type: RrType.AAAA }))).answers.map((a) => a.data), ["fd00::6"]);
    assert.deepEqual(calls.map((c) => [c[2], c[3]]), [["::1", "::1"], ["::1", "::1"]]);
  });

  test("closeAll abandons queries waiting on upstreams", async (t) => {
    const { dns, at } = await startRig(t, { upstreamBehaviour: () => undefined, forwardTimeoutMs: 60_000 });
    const sock = dgram.createSocket("udp4");
    t.after(() => sock.close());
    for (let i = 0; i < 5; i++) sock.send(encodeQuery({ name: `q${i}.example` }), at.port, at.address);
    while (dns.inFlight < 5) await new Promise((r) => setTimeout(r, 10));
    await dns.closeAll();
    while (dns.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    assert.equal(dns.inFlight, 0);
  });
});

describe("EmbeddedDns: hostile input", () => {
  const FORMERR_CASES: Array<[string, Buffer]> = (() => {
    const hdr = (qd: number, an = 0, ns = 0, ar = 0, flags = 0x0100) => {
      const h = Buffer.alloc(12);
      h.writeUInt16BE(0x4242, 0);
      h.writeUInt16BE(flags, 2);
      h.writeUInt16BE(qd, 4);
      h.writeUInt16BE(an, 6);
      h.writeUInt16BE(ns, 8);
      h.writeUInt16BE(ar, 10);
      return h;
    };
    const q = (name: Buffer) => Buffer.concat([name, Buffer.from([0, 1, 0, 1])]);
    return [
      ["zero questions", hdr(0)],
      ["two questions", Buffer.concat([hdr(2), q(encodeName("a")), q(encodeName("b"))])],
      ["65535 questions", Buffer.concat([hdr(0xffff), q(encodeName("a"))])],
      ["two answer records", Buffer.concat([hdr(1, 2), q(encodeName("a"))])],
      ["three additional records", Buffer.concat([hdr(1, 0, 0, 3), q(encodeName("a"))])],
      ["a question cut short", Buffer.concat([hdr(1), encodeName("web").subarray(0, 3)])],
      ["a question without type/class", Buffer.concat([hdr(1), encodeName("web")])],
      ["a pointer loop", Buffer.concat([hdr(1), Buffer.from([0xc0, 12, 0, 1, 0, 1])])],
      ["a forward pointer", Buffer.concat([hdr(1), Buffer.from([0xc0, 14, 1, 0x61, 0, 0, 1, 0, 1])])],
      ["a 64-octet label (reserved label type)", Buffer.concat([hdr(1), Buffer.from([64]), Buffer.alloc(64, 0x61), Buffer.from([0, 0, 1, 0, 1])])],
      ["a name over 255 octets", Buffer.concat([hdr(1), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])), Buffer.from([0, 0, 1, 0, 1])])],
      ["an additional record that is not there", Buffer.concat([hdr(1, 0, 0, 1), q(encodeName("a"))])],
      ["a record longer than the message", Buffer.concat([hdr(1, 0, 0, 1), q(encodeName("a")), Buffer.from([0, 0, 41, 16, 0, 0, 0, 0, 0, 0xff, 0xff])])],
    ];
  })();

  test("malformed queries get a header-only FORMERR with their id", async (t) => {
    const { at, upstream } = await startRig(t);
    for (const [what, msg] of FORMERR_CASES) {
      const r = decodeReply(await udpExchange(at, msg));
      assert.equal(r.header.rcode, Rcode.FormErr, what);
      assert.equal(r.header.id, 0x4242, what);
      assert.equal(r.header.qdcount, 0, what);
    }
    assert.equal(upstream.seen.length, 0);
    assert.equal((await ask(at, "web")).answers[0]!.data, "172.18.0.2");
  });

  test("other opcodes get NOTIMP; responses and runts get nothing", async (t) => {
    const { at } = await startRig(t);
    const update = encodeQuery({ id: 9, name: "web" });
    update.writeUInt16BE(5 << 11, 2);
    const r = decodeReply(await udpExchange(at, update));
    assert.equal(r.header.rcode, Rcode.NotImp);
    assert.equal(r.header.opcode, 5);
    const response = encodeQuery({ name: "web" });
    response[2]! |= 0x80;
    await assert.rejects(udpExchange(at, response, 300), /no UDP reply/);
    await assert.rejects(udpExchange(at, Buffer.from([1, 2, 3]), 300), /no UDP reply/);
    await assert.rejects(udpExchange(at, Buffer.alloc(0), 300), /no UDP reply/);
  });

  test("random garbage: no crash, every reply well-formed, answering afterwards", async (t) => {
    const { at, dns } = await startRig(t, { upstreamBehaviour: () => undefined, forwardTimeoutMs: 50 });
    const sock = dgram.createSocket("udp4");
    t.after(() => sock.close());
    let replies = 0;
    sock.on("message", (m) => {
      decodeReply(m); // throws (and fails the test through an uncaught error) on a malformed reply
      replies++;
    });
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const base = encodeQuery({ name: "web.mynet", edns: 1232 });
    for (let i = 0; i < 3000; i++) {
      let msg: Buffer;
      if (i % 2 === 0) {
        msg = Buffer.from(Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256)));
      } else {
        msg = Buffer.from(base);
        for (let k = 0; k < 3; k++) msg[Math.floor(rand() * msg.length)] = Math.floor(rand() * 256);
        msg = msg.subarray(0, Math.floor(rand() * (msg.length + 1)));
      }
      sock.send(msg, at.port, at.address);
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    // Most of the burst overflows the kernel's receive buffer and is dropped
    // there; wait until the server has drained what it got.
    for (let last = -1; last !== replies || dns.inFlight > 0; ) {
      last = replies;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(replies > 0);
    assert.equal((await ask(at, "web")).answers[0]!.data, "172.18.0.2");
  });

  test("a flood of forwarded queries: in-flight capped, the excess gets SERVFAIL at once, service recovers", async (t) => {
    const { at, dns, upstream } = await startRig(t, { upstreamBehaviour: () => undefined, maxInFlight: 8, forwardTimeoutMs: 2000 });
    const sock = dgram.createSocket("udp4");
    t.after(() => sock.close());
    const rcodes: number[] = [];
    sock.on("message", (m) => rcodes.push(decodeReply(m).header.rcode));
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, dns.inFlight)), 1);
    t.after(() => clearInterval(sampler));
    for (let i = 0; i < 100; i++) sock.send(encodeQuery({ id: i, name: `flood${i}.example` }), at.port, at.address);
    for (let last = -1; last !== rcodes.length || dns.inFlight > 0; ) {
      last = rcodes.length;
      await new Promise((r) => setTimeout(r, 300));
    }
    clearInterval(sampler);
    assert.ok(peak <= 8, `peak in flight ${peak}`);
    assert.ok(rcodes.length > 8, `${rcodes.length} replies`);
    assert.ok(upstream.seen.length < rcodes.length, `upstream saw ${upstream.seen.length} of ${rcodes.length}`);
    assert.ok(rcodes.every((c) => c === Rcode.ServFail));
    assert.equal(dns.inFlight, 0);
    assert.equal((await ask(at, "web")).answers[0]!.data, "172.18.0.2");
  });
});

describe("EmbeddedDns: TCP", () => {
  test("pipelined queries in one write, and a query sent one octet at a time", async (t) => {
    const { at } = await startRig(t);
    const msgs = [encodeQuery({ id: 1, name: "web" }), encodeQuery({ id: 2, name: "db" }), encodeQuery({ id: 3, name: "example.com" })];
    const replies = (await tcpExchange(at, Buffer.concat(msgs.map(frame)), 3)).map(decodeReply);
    assert.deepEqual(replies.map((r) => r.header.id).sort(), [1, 2, 3]);
    const byId = new Map(replies.map((r) => [r.header.id, r.answers.map((a) => a.data)]));
    assert.deepEqual(byId.get(1), ["172.18.0.2"]);
    assert.deepEqual(byId.get(3), ["93.184.216.34"]);
    const bytes = frame(encodeQuery({ id: 4, name: "db" }));
    const slow = await tcpExchange(at, [...bytes].map((b) => Buffer.from([b])), 1);
    assert.deepEqual(decodeReply(slow[0]!).answers.map((a) => a.data), ["172.18.0.3"]);
  });

  test("a client that half-closes after its query still gets the answer", async (t) => {
    const { at } = await startRig(t);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = net.connect(at.port, at.address, () => s.end(frame(encodeQuery({ id: 8, name: "web" }))));
      s.on("data", (c) => chunks.push(c));
      s.on("end", () => resolve(Buffer.concat(chunks)));
      s.on("error", reject);
    });
    assert.equal(decodeReply(reply.subarray(2)).header.id, 8);
  });

  test("a frame too short to be DNS closes the connection; the server keeps serving", async (t) => {
    const { at } = await startRig(t);
    await assert.rejects(tcpExchange(at, Buffer.from([0, 3, 1, 2, 3]), 1), /closed after 0/);
    await assert.rejects(tcpExchange(at, Buffer.from([0, 0]), 1), /closed after 0/);
    assert.equal(decodeReply(await tcpQuery(at, encodeQuery({ name: "web" }))).answers[0]!.data, "172.18.0.2");
  });

  test("a connection stalled inside a frame is dropped when idle", async (t) => {
    const { at } = await startRig(t, { tcpIdleTimeoutMs: 200 });
    await assert.rejects(tcpExchange(at, Buffer.from([0xff, 0xff, 1, 2, 3]), 1, 5000), /closed after 0/);
  });

  test("random byte streams on many connections: no crash, still serving", async (t) => {
    const { at, dns } = await startRig(t, { upstreamBehaviour: () => undefined, forwardTimeoutMs: 50, tcpIdleTimeoutMs: 300 });
    let seed = 777;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const conns = Array.from({ length: 20 }, (_, i) => {
      const bytes = Buffer.from(Array.from({ length: 200 + Math.floor(rand() * 3000) }, () => Math.floor(rand() * 256)));
      // Half the streams start with a plausible frame so the garbage lands inside messages.
      const stream = i % 2 ? Buffer.concat([frame(encodeQuery({ name: "web" })), bytes]) : bytes;
      return new Promise<void>((resolve) => {
        const s = net.connect(at.port, at.address, () => s.write(stream));
        s.on("data", () => {});
        s.on("error", () => resolve());
        s.on("close", () => resolve());
      });
    });
    await Promise.all(conns);
    while (dns.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    assert.equal(decodeReply(await tcpQuery(at, encodeQuery({ name: "web" }))).answers[0]!.data, "172.18.0.2");
    assert.equal((await ask(at, "db")).answers[0]!.data, "172.18.0.3");
  });

  test("a forward slower than the idle timeout still gets its answer over TCP", async (t) => {
    const { at } = await startRig(t, { upstreamBehaviour: () => undefined, forwardTimeoutMs: 600, tcpIdleTimeoutMs: 150 });
    const r = decodeReply(await tcpQuery(at, encodeQuery({ id: 12, name: "slow.example" })));
    assert.equal(r.header.id, 12);
    assert.equal(r.header.rcode, Rcode.ServFail);
  });

  test("malformed messages over TCP get FORMERR like over UDP", async (t) => {
    const { at } = await startRig(t);
    const zero = encodeQuery({ id: 77, name: "web" });
    zero.writeUInt16BE(0, 4);
    const r = decodeReply(await tcpQuery(at, zero));
    assert.equal(r.header.rcode, Rcode.FormErr);
    assert.equal(r.header.id, 77);
  });

  test("connections beyond the cap are refused while existing ones keep working", async (t) => {
    const { at } = await startRig(t, { maxTcpConnections: 3 });
    const held: net.Socket[] = [];
    t.after(() => held.forEach((s) => s.destroy()));
    for (let i = 0; i < 3; i++) {
      const s = net.connect(at.port, at.address);
      held.push(s);
      await new Promise((r) => s.once("connect", r));
    }
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(tcpQuery(at, encodeQuery({ name: "web" })));
    held.pop()!.destroy();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(decodeReply(await tcpQuery(at, encodeQuery({ name: "web" }))).answers[0]!.data, "172.18.0.2");
  });
});

describe("EmbeddedDns with a NetworkNameTable", () => {
  test("the table's resolver answers by the querying container's networks; strangers are forwarded", async (t) => {
    const names = new NetworkNameTable();
    names.setNetwork({ id: "n1", name: "mynet" });
    // The test client sends from 127.0.0.1: that is "the container" here.
    names.setEndpoint("n1", { containerId: "1".repeat(64), containerName: "client", ipv4: "127.0.0.1" });
    names.setEndpoint("n1", { containerId: "2".repeat(64), containerName: "db", aliases: ["pg"], ipv4: "172.30.0.3" });
    const { at, upstream } = await startRig(t, { resolve: names.resolver });
    assert.deepEqual((await ask(at, "PG.mynet")).answers.map((a) => a.data), ["172.30.0.3"]);
    assert.deepEqual((await ask(at, "222222222222")).answers.map((a) => a.data), ["172.30.0.3"]);
    assert.deepEqual((await ask(at, "3.0.30.172.in-addr.arpa", RrType.PTR)).answers.map((a) => a.data), ["db.mynet"]);
    names.removeContainer("2".repeat(64));
    assert.deepEqual((await ask(at, "db")).answers.map((a) => a.data), ["93.184.216.34"]);
    assert.equal(upstream.seen.length, 1);
  });
});
