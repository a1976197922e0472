import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { decodeReply, encodeQuery } from "./test-kit.js";
import { addressToReverseName, canonicalIPv6, reverseNameToAddress } from "./reverse-name.js";
import { FrameReader, frame } from "./tcp-frames.js";
import { RrType, WireError, encodeName, encodeReply, ipv6ToBytes, nameToText, parseQuery, readName } from "./wire.js";

const header = (qd = 1, an = 0, ns = 0, ar = 0) => {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0x1234, 0);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(an, 6);
  h.writeUInt16BE(ns, 8);
  h.writeUInt16BE(ar, 10);
  return h;
};

describe("readName", () => {
  test("plain and compressed names", () => {
    const msg = Buffer.concat([header(), encodeName("Web.Example"), Buffer.from([0x03, 0x61, 0x70, 0x69, 0xc0, 12])]);
    assert.equal(nameToText(readName(msg, 12).labels), "web.example");
    const second = readName(msg, 12 + 13);
    assert.equal(nameToText(second.labels), "api.web.example");
    assert.equal(second.next, msg.length);
  });
  test("a pointer to itself or forwards is refused (no loops possible)", () => {
    const self = Buffer.concat([header(), Buffer.from([0xc0, 12])]);
    assert.throws(() => readName(self, 12), WireError);
    const forward = Buffer.concat([header(), Buffer.from([0xc0, 14, 0x01, 0x61, 0x00])]);
    assert.throws(() => readName(forward, 12), WireError);
    // A two-pointer cycle: 12 → 14 → 12.
    const cycle = Buffer.concat([header(), Buffer.from([0xc0, 14, 0xc0, 12])]);
    assert.throws(() => readName(cycle, 14), WireError);
  });
  test("oversized labels, names and truncation are refused", () => {
    assert.throws(() => readName(Buffer.concat([header(), Buffer.from([0x40]), Buffer.alloc(64, 0x61), Buffer.from([0])]), 12), /unknown label type/);
    assert.throws(() => readName(Buffer.concat([header(), Buffer.from([0x80, 0])]), 12), /unknown label type/);
    const long = Buffer.concat([header(), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])), Buffer.from([0])]);
    assert.throws(() => readName(long, 12), /255/);
    assert.throws(() => readName(Buffer.concat([header(), Buffer.from([5, 0x61])]), 12), /past the message/);
    assert.throws(() => readName(Buffer.concat([header(), Buffer.from([0xc0])]), 12), /pointer/);
    assert.throws(() => readName(header(), 12), /past the message/);
  });
  test("a chain of backward pointers is bounded", () => {
    // 40 pointers, each pointing at the previous one.
    const body = [0x00];
    for (let i = 0; i < 40; i++) body.push(0xc0, i === 0 ? 12 : 12 + 1 + (i - 1) * 2);
    const msg = Buffer.concat([header(), Buffer.from(body)]);
    assert.throws(() => readName(msg, msg.length - 2), /too many compression pointers/);
  });
});

describe("parseQuery", () => {
  test("reads the question and the EDNS size", () => {
    const q = parseQuery(encodeQuery({ id: 7, name: "db.", type: RrType.AAAA, edns: 1232 }));
    assert.equal(q.header.id, 7);
    assert.equal(nameToText(q.question.labels), "db");
    assert.equal(q.question.type, RrType.AAAA);
    assert.equal(q.ednsUdpSize, 1232);
  });
  test("counts that lie about the content are refused", () => {
    const q = encodeQuery({ name: "db" });
    q.writeUInt16BE(1, 10); // one additional record that is not there
    assert.throws(() => parseQuery(q), WireError);
    const none = encodeQuery({ name: "db" });
    none.writeUInt16BE(0, 4);
    assert.throws(() => parseQuery(none), WireError);
  });
  test("an OPT record outside the additional section or twice is refused", () => {
    const q = encodeQuery({ name: "db", edns: 1232 });
    q.writeUInt16BE(0, 10);
    q.writeUInt16BE(1, 6);
    assert.throws(() => parseQuery(q), /OPT/);
  });
});

describe("encodeReply", () => {
  test("echoes the question as sent and points answers at it", () => {
    const q = parseQuery(encodeQuery({ id: 99, name: "WeB.example", type: RrType.A }));
    const r = decodeReply(encodeReply(q, 0, [{ type: RrType.A, ttl: 600, data: "172.18.0.2" }], 512));
    assert.equal(r.header.id, 99);
    assert.ok(r.header.isResponse);
    assert.deepEqual(r.questions, [{ name: "WeB.example", type: 1 }]);
    assert.deepEqual(r.answers, [{ name: "WeB.example", type: 1, ttl: 600, data: "172.18.0.2" }]);
  });
  test("drops answers past the size limit and sets TC", () => {
    const q = parseQuery(encodeQuery({ name: "many" }));
    const answers = Array.from({ length: 100 }, (_, i) => ({ type: RrType.A as const, ttl: 600, data: `10.0.${i}.1` }));
    const out = encodeReply(q, 0, answers, 512);
    assert.ok(out.length <= 512);
    const r = decodeReply(out);
    assert.ok(r.header.isTruncated);
    assert.equal(r.answers.length, Math.floor((512 - 12 - 10) / 16));
  });
  test("refuses unencodable names", () => {
    assert.throws(() => encodeName("a".repeat(64) + ".x"), WireError);
    assert.throws(() => encodeName("a..b"), WireError);
    assert.throws(() => encodeName(Array.from({ length: 130 }, () => "ab").join(".")), WireError);
    assert.throws(() => encodeName("caf\u00e9"), WireError);
    assert.throws(() => encodeName("a b"), WireError);
  });
  test("IPv6 to bytes, embedded dotted quads included", () => {
    assert.equal(ipv6ToBytes("::1").toString("hex"), "00000000000000000000000000000001");
    assert.equal(ipv6ToBytes("fd00:1::2").toString("hex"), "fd000001000000000000000000000002");
    assert.equal(ipv6ToBytes("::ffff:1.2.3.4").toString("hex"), "00000000000000000000ffff01020304");
  });
  test("nameToText refuses labels that are not plain text", () => {
    assert.equal(nameToText([Buffer.from("a.b")]), undefined);
    assert.equal(nameToText([Buffer.from([0x61, 0x00])]), undefined);
    assert.equal(nameToText([Buffer.from("A"), Buffer.from("B")]), "a.b");
  });
});

describe("reverse names", () => {
  test("IPv4", () => {
    assert.equal(reverseNameToAddress("2.0.18.172.in-addr.arpa"), "172.18.0.2");
    assert.equal(reverseNameToAddress("2.0.18.172.IN-ADDR.ARPA."), "172.18.0.2");
    assert.equal(addressToReverseName("172.18.0.2"), "2.0.18.172.in-addr.arpa");
    for (const bad of ["18.172.in-addr.arpa", "256.0.18.172.in-addr.arpa", "02.0.18.172.in-addr.arpa", "x.0.18.172.in-addr.arpa", "1.2.0.18.172.in-addr.arpa", "example.com"]) {
      assert.equal(reverseNameToAddress(bad), undefined, bad);
    }
  });
  test("IPv6", () => {
    const name = addressToReverseName("fd00:1::2");
    assert.equal(name, "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa");
    assert.equal(reverseNameToAddress(name), "fd00:1::2");
    assert.equal(reverseNameToAddress(name.replace("2.0", "g.0")), undefined);
    assert.equal(reverseNameToAddress("0.0.ip6.arpa"), undefined);
  });
  test("canonical IPv6 (RFC 5952)", () => {
    assert.equal(canonicalIPv6("2001:0db8:0000:0000:0001:0000:0000:0001"), "2001:db8::1:0:0:1");
    assert.equal(canonicalIPv6("0:0:0:0:0:0:0:1"), "::1");
    assert.equal(canonicalIPv6("fd00:0:1:0:1:0:1:0"), "fd00:0:1:0:1:0:1:0");
  });
});

describe("FrameReader", () => {
  test("splits, joins and keeps partial frames", () => {
    const r = new FrameReader();
    const a = frame(Buffer.from("hello world!"));
    const b = frame(Buffer.from("second message"));
    const all = Buffer.concat([a, b]);
    assert.deepEqual(r.push(all.subarray(0, 1)), []);
    assert.deepEqual(r.push(all.subarray(1, 5)), []);
    const got = r.push(all.subarray(5, a.length + 3));
    assert.deepEqual(got.map(String), ["hello world!"]);
    assert.ok(r.hasPartial);
    assert.deepEqual(r.push(all.subarray(a.length + 3)).map(String), ["second message"]);
    assert.ok(!r.hasPartial);
  });
  test("a maximal message sent one octet at a time", () => {
    const r = new FrameReader();
    const big = frame(Buffer.alloc(0xffff, 7));
    const out: Buffer[] = [];
    for (let i = 0; i < big.length; i++) out.push(...r.push(big.subarray(i, i + 1)));
    assert.equal(out.length, 1);
    assert.equal(out[0]!.length, 0xffff);
  });
  test("zero-length frames come out as empty messages (the server closes on them)", () => {
    assert.deepEqual(new FrameReader().push(Buffer.from([0, 0, 0, 0])).map((b) => b.length), [0, 0]);
  });
});
