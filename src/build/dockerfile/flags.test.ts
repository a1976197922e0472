import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFlags, parseGoDuration } from "./flags.js";

const durations: Array<[string, number]> = [
  ["0", 0],
  ["30s", 30e9],
  ["1m30s", 90e9],
  ["500ms", 500e6],
  ["1.5h", 5400e9],
  [".5s", 500e6],
  ["1.s", 1e9],
  ["2h45m10.5s", (2 * 3600 + 45 * 60 + 10.5) * 1e9],
  ["10us", 10e3],
  ["10µs", 10e3],
  ["10μs", 10e3],
  ["7ns", 7],
  ["-1s", -1e9],
  ["+2ms", 2e6],
  ["1h1h", 7200e9],
  ["0.000000001s", 1],
  ["1.0000000001s", 1e9], // below a nanosecond is dropped, as in Go
];
for (const [text, ns] of durations) {
  test(`Go duration ${text}`, () => assert.equal(parseGoDuration(text), ns));
}

const badDurations: Array<[string, string]> = [
  ["", 'time: invalid duration ""'],
  ["5", 'time: missing unit in duration "5"'],
  ["5x", 'time: unknown unit "x" in duration "5x"'],
  ["s", 'time: invalid duration "s"'],
  [".s", 'time: invalid duration ".s"'],
  ["1s2", 'time: missing unit in duration "1s2"'],
  ["-", 'time: invalid duration "-"'],
  ["3000000h", 'time: invalid duration "3000000h"'],
  ["9".repeat(1000) + "s", `time: invalid duration "${"9".repeat(1000)}s"`],
];
for (const [text, message] of badDurations) {
  test(`Go duration error ${text.slice(0, 20)}`, () => assert.throws(() => parseGoDuration(text), { message }));
}

test("parseFlags: bool, string and repeatable flags", () => {
  const spec = { link: "bool", from: "string", exclude: "strings" } as const;
  assert.deepEqual(parseFlags(["--link", "--from=a=b", "--exclude=x", "--exclude="], spec), {
    link: ["true"], from: ["a=b"], exclude: ["x", ""],
  });
  assert.deepEqual(parseFlags(["--link=FALSE"], spec), { link: ["false"] });
  assert.deepEqual(parseFlags(["--link=True", "--", "--nope"], spec), { link: ["true"] });
  assert.deepEqual(parseFlags([], spec), {});
  assert.throws(() => parseFlags(["--from"], spec), { message: "missing a value on flag: from" });
  assert.throws(() => parseFlags(["--link", "--link"], spec), { message: "duplicate flag specified: link" });
  assert.throws(() => parseFlags(["--constructor=1"], spec), { message: "unknown flag: constructor" });
  assert.throws(() => parseFlags(["-x"], spec), { message: "arg should start with -- : -x" });
});
