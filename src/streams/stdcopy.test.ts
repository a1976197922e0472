import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { FrameDecoder, StdcopyFormatError, demuxStream, encodeFrame, STDOUT, STDERR } from "./stdcopy.js";

test("encodeFrame writes the 8-byte header seen in 02-run-rm.txt", () => {
  const frame = encodeFrame(STDOUT, "hello\n");
  assert.deepEqual([...frame.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 6]);
  assert.equal(frame.subarray(8).toString(), "hello\n");
});

test("decoder reassembles frames split at every possible byte", () => {
  const wire = Buffer.concat([encodeFrame(STDOUT, "out1\n"), encodeFrame(STDERR, "err1\n"), encodeFrame(STDOUT, "")]);
  for (let cut = 0; cut <= wire.length; cut++) {
    const decoder = new FrameDecoder();
    const frames = [...decoder.push(wire.subarray(0, cut)), ...decoder.push(wire.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => [f.stream, f.payload.toString()]),
      [[1, "out1\n"], [2, "err1\n"], [1, ""]],
      `cut at ${cut}`,
    );
    assert.equal(decoder.bufferedBytes, 0);
  }
});

test("decoder handles one byte at a time and reports leftovers", () => {
  const wire = encodeFrame(STDERR, "abc");
  const decoder = new FrameDecoder();
  const frames = [];
  for (const byte of wire.subarray(0, wire.length - 1)) frames.push(...decoder.push(Buffer.from([byte])));
  assert.equal(frames.length, 0);
  assert.equal(decoder.bufferedBytes, wire.length - 1);
  frames.push(...decoder.push(wire.subarray(wire.length - 1)));
  assert.equal(frames[0]!.payload.toString(), "abc");
});

test("decoder rejects a non-stdcopy stream", () => {
  assert.throws(() => new FrameDecoder().push(Buffer.from("hello world\n")), StdcopyFormatError);
});

test("demuxStream routes payloads to stdout and stderr", async () => {
  const wire = Buffer.concat([encodeFrame(STDOUT, "a"), encodeFrame(STDERR, "b"), encodeFrame(STDOUT, "c")]);
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = [wire.subarray(0, 3), wire.subarray(3, 12), wire.subarray(12)];
  await demuxStream(Readable.from(chunks), out, err);
  assert.equal(out.read().toString(), "ac");
  assert.equal(err.read().toString(), "b");
});
