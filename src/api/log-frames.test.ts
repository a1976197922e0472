import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { LogEntry } from "../store/logs/k8s-log.js";
import { dockerTimestamp, encodeEntry, frameHeader } from "./log-frames.js";

describe("frameHeader", () => {
  test("stdout: [1,0,0,0, len BE32]", () => {
    assert.deepEqual([...frameHeader(1, 6)], [1, 0, 0, 0, 0, 0, 0, 6]);
  });
  test("stderr with a length over 255 is big-endian", () => {
    assert.deepEqual([...frameHeader(2, 0x01020304)], [2, 0, 0, 0, 1, 2, 3, 4]);
  });
});

describe("dockerTimestamp", () => {
  test("conmon's +00:00 becomes Z, nanoseconds kept", () => {
    assert.equal(dockerTimestamp("2026-11-27T10:28:49.837406232+00:00"), "2026-11-27T10:28:49.837406232Z");
  });
  test("Z stays Z", () => {
    assert.equal(dockerTimestamp("2026-11-27T10:28:49.837406232Z"), "2026-11-27T10:28:49.837406232Z");
  });
  test("another offset is converted to UTC, nanoseconds kept", () => {
    assert.equal(dockerTimestamp("2026-11-27T12:28:49.837406232+02:00"), "2026-11-27T10:28:49.837406232Z");
  });
  test("another offset without a fraction is converted to UTC", () => {
    assert.equal(dockerTimestamp("2026-11-27T12:28:49+02:00"), "2026-11-27T10:28:49Z");
  });
  test("something else is passed through", () => {
    assert.equal(dockerTimestamp("garbage"), "garbage");
  });
});

describe("encodeEntry", () => {
  const entry = (stream: "stdout" | "stderr", data: string): LogEntry => ({
    stream,
    timestamp: "2026-11-27T10:28:49.837406232+00:00",
    timeMs: Date.parse("2026-11-27T10:28:49.837Z"),
    data: Buffer.from(data),
  });

  test("without a TTY: a stdout frame", () => {
    assert.deepEqual(encodeEntry(entry("stdout", "hello\n"), { tty: false, timestamps: false }), Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 6]), Buffer.from("hello\n")]));
  });
  test("without a TTY: a stderr frame", () => {
    assert.deepEqual(encodeEntry(entry("stderr", "oops\n"), { tty: false, timestamps: false }), Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 5]), Buffer.from("oops\n")]));
  });
  test("with a TTY: raw bytes", () => {
    assert.equal(encodeEntry(entry("stdout", "hello\n"), { tty: true, timestamps: false }).toString(), "hello\n");
  });
  test("with timestamps: the RFC3339Nano time and a space, inside the frame", () => {
    const payload = "2026-11-27T10:28:49.837406232Z hello\n";
    const b = encodeEntry(entry("stdout", "hello\n"), { tty: false, timestamps: true });
    assert.deepEqual([...b.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, payload.length]);
    assert.equal(b.subarray(8).toString(), payload);
  });
  test("with a TTY and timestamps", () => {
    assert.equal(encodeEntry(entry("stdout", "hi\n"), { tty: true, timestamps: true }).toString(), "2026-11-27T10:28:49.837406232Z hi\n");
  });
});
