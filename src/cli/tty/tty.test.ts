import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { EscapeDetector, parseDetachKeys } from "./detach-keys.js";
import { enterRawMode, monitorTtySize, type SignalHost } from "./terminal.js";

class FakeProcess extends EventEmitter {
  exitCode: number | undefined;
  exit(code?: number): void {
    this.exitCode = code;
  }
}

test("detach keys parse like moby's term.ToBytes", () => {
  assert.deepEqual([...parseDetachKeys("ctrl-p,ctrl-q")], [0x10, 0x11]);
  assert.deepEqual([...parseDetachKeys("a,ctrl-@,ctrl-_,ctrl-[")], [0x61, 0, 0x1f, 0x1b]);
  assert.throws(() => parseDetachKeys("ctrl-1"));
  assert.throws(() => parseDetachKeys("abc"));
});

test("the escape detector swallows the sequence, holds partial matches, releases broken ones", () => {
  const d = new EscapeDetector(Buffer.from([0x10, 0x11]));
  assert.deepEqual(d.feed(Buffer.from("ab\x10")), { forward: Buffer.from("ab"), detached: false });
  assert.deepEqual(d.feed(Buffer.from("x")), { forward: Buffer.from("\x10x"), detached: false });
  assert.deepEqual(d.feed(Buffer.from("\x10")), { forward: Buffer.alloc(0), detached: false });
  assert.deepEqual(d.feed(Buffer.from("\x11rest")), { forward: Buffer.alloc(0), detached: true });
  const e = new EscapeDetector(Buffer.from([0x10, 0x11]));
  assert.deepEqual(e.feed(Buffer.from("\x10\x10\x11")), { forward: Buffer.from("\x10"), detached: true });
});

test("raw mode is set on a terminal and restored once, on exit or on SIGTERM", () => {
  const calls: boolean[] = [];
  let rawOutput = 0;
  const host = new FakeProcess();
  const input = { isTTY: true, setRawMode: (m: boolean) => calls.push(m) };
  const restore = enterRawMode(input, host as unknown as SignalHost, () => rawOutput++);
  assert.deepEqual(calls, [true]);
  assert.equal(rawOutput, 1);
  host.emit("SIGTERM");
  assert.deepEqual(calls, [true, false]);
  assert.equal(host.exitCode, 143, "alone on SIGTERM, it exits like the default action");
  restore();
  host.emit("exit");
  assert.deepEqual(calls, [true, false]);
  assert.equal(host.listenerCount("SIGTERM") + host.listenerCount("exit"), 0);

  const notTty = { isTTY: false, setRawMode: (m: boolean) => calls.push(m) };
  enterRawMode(notTty, host as unknown as SignalHost, () => rawOutput++)();
  assert.deepEqual(calls, [true, false]);
});

test("size monitor: resize right away (retrying failures) and on SIGWINCH, until stopped", async () => {
  const host = new FakeProcess();
  const out = { isTTY: true, rows: 40, columns: 100 };
  const sizes: string[] = [];
  let failures = 2;
  const stop = monitorTtySize(
    out,
    async (s) => {
      if (failures-- > 0) throw new Error("409 not running");
      sizes.push(`${s.height}x${s.width}`);
    },
    { host: host as unknown as SignalHost, sleep: async () => undefined },
  );
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sizes, ["40x100"]);
  out.rows = 30;
  out.columns = 90;
  host.emit("SIGWINCH");
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sizes, ["40x100", "30x90"]);
  stop();
  host.emit("SIGWINCH");
  await new Promise((r) => setImmediate(r));
  assert.equal(sizes.length, 2);
});
