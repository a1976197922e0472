import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { followLog, parseLogLine, readLog, type LogEntry } from "./k8s-log.js";

const text = (es: LogEntry[]) => es.map((e) => `${e.stream}:${e.data.toString()}`);

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "berth-k8slog-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("parseLogLine", () => {
  test("an F line gets its newline back", () => {
    const e = parseLogLine(Buffer.from("2026-11-27T10:28:49.837406232+00:00 stdout F hello world"));
    assert.ok(e);
    assert.equal(e.stream, "stdout");
    assert.equal(e.timestamp, "2026-11-27T10:28:49.837406232+00:00");
    assert.equal(e.timeMs, Date.parse("2026-11-27T10:28:49.837Z"));
    assert.equal(e.data.toString(), "hello world\n");
  });
  test("a P line does not", () => {
    const e = parseLogLine(Buffer.from("2026-11-27T10:28:49.837406232+00:00 stderr P part"));
    assert.equal(e?.stream, "stderr");
    assert.equal(e?.data.toString(), "part");
  });
  test("an F line with empty content is an empty line", () => {
    assert.equal(parseLogLine(Buffer.from("2026-11-27T10:28:49.837406232+00:00 stdout F"))?.data.toString(), "\n");
    assert.equal(parseLogLine(Buffer.from("2026-11-27T10:28:49.837406232+00:00 stdout F "))?.data.toString(), "\n");
  });
  test("content keeps its own spaces", () => {
    assert.equal(parseLogLine(Buffer.from("2026-11-27T10:28:49Z stdout F  a  b "))?.data.toString(), " a  b \n");
  });
  for (const g of ["", "garbage", "2026-11-27T10:28:49Z stdout", "2026-11-27T10:28:49Z stdin F x", "2026-11-27T10:28:49Z  F x"]) {
    test(`garbage ${JSON.stringify(g)} → undefined`, () => assert.equal(parseLogLine(Buffer.from(g)), undefined));
  }
});

const T0 = Date.parse("2026-11-27T10:00:00Z") / 1000;
const ts = (sec: number) => new Date((T0 + sec) * 1000).toISOString().replace("Z", "000000+00:00");
const LOG = [
  `${ts(0)} stdout F one`,
  `${ts(1)} stderr F err1`,
  `${ts(2)} stdout P par`,
  `${ts(2)} stdout F tial`,
  "not a log line",
  `${ts(3)} stdout F four`,
  `${ts(4)} stderr F err2`,
].join("\n") + "\n";

describe("readLog", () => {
  test("all entries, garbage skipped, partial lines as separate entries", async (t) => {
    const file = path.join(await tempDir(t), "ctr.log");
    await writeFile(file, LOG);
    const { entries, offset } = await readLog(file);
    assert.deepEqual(text(entries), ["stdout:one\n", "stderr:err1\n", "stdout:par", "stdout:tial\n", "stdout:four\n", "stderr:err2\n"]);
    assert.equal(offset, Buffer.byteLength(LOG));
  });

  test("stdout only / stderr only", async (t) => {
    const file = path.join(await tempDir(t), "ctr.log");
    await writeFile(file, LOG);
    assert.deepEqual(text((await readLog(file, { stderr: false })).entries), ["stdout:one\n", "stdout:par", "stdout:tial\n", "stdout:four\n"]);
    assert.deepEqual(text((await readLog(file, { stdout: false })).entries), ["stderr:err1\n", "stderr:err2\n"]);
  });

  test("since is inclusive, until is inclusive", async (t) => {
    const file = path.join(await tempDir(t), "ctr.log");
    await writeFile(file, LOG);
    assert.deepEqual(text((await readLog(file, { since: T0 + 3 })).entries), ["stdout:four\n", "stderr:err2\n"]);
    assert.deepEqual(text((await readLog(file, { until: T0 + 1 })).entries), ["stdout:one\n", "stderr:err1\n"]);
    assert.deepEqual(text((await readLog(file, { since: T0 + 1, until: T0 + 2 })).entries), ["stderr:err1\n", "stdout:par", "stdout:tial\n"]);
    assert.deepEqual(text((await readLog(file, { since: T0 + 0.5 })).entries).length, 5, "fractional since");
  });

  test("tail counts after the filters; 0 is none, negative is all", async (t) => {
    const file = path.join(await tempDir(t), "ctr.log");
    await writeFile(file, LOG);
    assert.deepEqual(text((await readLog(file, { tail: 2 })).entries), ["stdout:four\n", "stderr:err2\n"]);
    assert.deepEqual(text((await readLog(file, { tail: 2, stderr: false })).entries), ["stdout:tial\n", "stdout:four\n"]);
    assert.deepEqual((await readLog(file, { tail: 0 })).entries, []);
    assert.equal((await readLog(file, { tail: -1 })).entries.length, 6);
    assert.equal((await readLog(file, { tail: 100 })).entries.length, 6);
  });

  test("an unterminated last line is not read yet and not counted in the offset", async (t) => {
    const file = path.join(await tempDir(t), "ctr.log");
    const done = `${ts(0)} stdout F one\n`;
    await writeFile(file, done + `${ts(1)} stdout F tw`);
    const { entries, offset } = await readLog(file);
    assert.deepEqual(text(entries), ["stdout:one\n"]);
    assert.equal(offset, Buffer.byteLength(done));
  });

  test("a missing file is an empty log", async (t) => {
    const dir = await tempDir(t);
    assert.deepEqual(await readLog(path.join(dir, "nope.log")), { entries: [], offset: 0 });
  });
});

describe("followLog", () => {
  test("yields lines appended after it started and ends once isDone() is true", async (t) => {
    const file = path.join(await tempDir(t), "ctr.log");
    const before = `${ts(0)} stdout F old\n`;
    await writeFile(file, before);
    let done = false;
    const got: string[] = [];
    const follower = (async () => {
      for await (const e of followLog(file, Buffer.byteLength(before), { isDone: () => done })) got.push(e.data.toString());
    })();
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(file, `${ts(1)} stdout F new1\n`);
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(file, `${ts(2)} stderr P half`);
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(file, `\n${ts(3)} stdout F last\n`);
    done = true;
    const timeout = setTimeout(() => assert.fail("followLog did not end after isDone()"), 3000);
    await follower;
    clearTimeout(timeout);
    assert.deepEqual(got, ["new1\n", "half", "last\n"], "the old line is not repeated; lines written before done are all delivered");
  });

  test("applies the stream filter and stops on abort", async (t) => {
    const file = path.join(await tempDir(t), "ctr.log");
    await writeFile(file, "");
    const ac = new AbortController();
    const got: string[] = [];
    const follower = (async () => {
      for await (const e of followLog(file, 0, { isDone: () => false, signal: ac.signal, stderr: false })) got.push(e.data.toString());
    })();
    await appendFile(file, `${ts(0)} stderr F e\n${ts(0)} stdout F o\n`);
    for (let i = 0; i < 40 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    ac.abort();
    await follower;
    assert.deepEqual(got, ["o\n"]);
  });
});
