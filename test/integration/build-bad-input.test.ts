/**
 * Builds that must fail cleanly: Dockerfile syntax errors (line and column),
 * unknown instructions, COPY from outside the context, a failing RUN (code in
 * the error, CLI exit code), a missing base image, bad query parameters, and
 * hostile context tars. Each leaves no tagged image, no container, no mount
 * (the harness fails the test on leftover mounts or conmon processes) and
 * nothing written outside the daemon's directories.
 */
import assert from "node:assert/strict";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import tar from "tar-stream";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";
import { apiBuild, listContainers, tarOf, writeContext } from "./build-lib.js";

const skip = !isRoot && "needs root";

async function hostileTar(entries: Array<Partial<tar.Header> & { name: string; body?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const { body, ...h } = e;
    pack.entry(h, body ?? "");
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of Readable.from(pack as AsyncIterable<Buffer>)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function assertNothingTagged(d: TestDaemon, name: string): Promise<void> {
  assert.equal((await d.api("GET", `/images/${name}/json`)).status, 404, `${name} must not be tagged`);
  assert.deepEqual(await listContainers(d), [], "no container is left");
}

test("Dockerfile errors: syntax error with line and column, unknown instruction, empty file, missing Dockerfile → 400 before the stream", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const cases: Array<[string, RegExp]> = [
    ["FROM busybox\n  ENV X\n", /dockerfile parse error on line 2, column 3: ENV must have two arguments/],
    ["FROM busybox\nRUN true\nFOO bar\n", /dockerfile parse error on line 3, column 1: unknown instruction: FOO/],
    ["", /cannot be empty/],
  ];
  for (const [df, re] of cases) {
    const dir = await writeContext({ Dockerfile: df });
    t.after(() => fs.rm(dir, { recursive: true, force: true }));
    const r = await apiBuild(d, "t=bad:1", await tarOf(dir));
    assert.equal(r.status, 400, r.body);
    assert.match(JSON.parse(r.body).message, re);
    const cli = await d.docker(["build", "-t", "bad:1", dir]);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, re);
    const b = await d.berth(["build", "-t", "bad:1", dir]);
    assert.notEqual(b.code, 0);
    assert.match(b.stderr, re);
  }
  const none = await writeContext({ "other.txt": "x" });
  t.after(() => fs.rm(none, { recursive: true, force: true }));
  const r = await apiBuild(d, "t=bad:1", await tarOf(none));
  assert.equal(r.status, 400);
  assert.match(JSON.parse(r.body).message, /Cannot locate specified Dockerfile: Dockerfile/);
  for (const q of ["buildargs=notjson", "labels=%5B1%5D", "cachefrom=%7B%7D", "t=UPPER:case", "platform=windows/arm64", "networkmode=weird"]) {
    const bad = await apiBuild(d, q, await tarOf(none));
    assert.equal(bad.status, 400, `${q}: ${bad.body}`);
    assert.ok(JSON.parse(bad.body).message, q);
  }
  await assertNothingTagged(d, "bad:1");
});

test("step failures: COPY ../x, a missing source, a failing RUN (code and exit status), a missing base image", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({ file: "x" });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const cases: Array<[string, RegExp, number]> = [
    ["FROM busybox\nCOPY ../x /x\n", /COPY failed: forbidden path outside the build context: \.\.\/x \(\)/, 1],
    ["FROM busybox\nCOPY nope /x\n", /COPY failed: file not found in build context or excluded by \.dockerignore: stat nope: file does not exist/, 1],
    ["FROM busybox\nRUN echo partial > /p\nRUN echo out; exit 42\n", /The command '\/bin\/sh -c echo out; exit 42' returned a non-zero code: 42/, 42],
    ["FROM no-such-image-here:1\nRUN true\n", /no-such-image-here/, 1],
  ];
  for (const [df, re, code] of cases) {
    await fs.writeFile(path.join(dir, "Dockerfile"), df);
    const cli = await d.docker(["build", "-t", "broken:1", dir], { timeoutMs: 60_000 });
    assert.equal(cli.code, code, `${df}: ${cli.stdout} ${cli.stderr}`);
    assert.match(cli.stderr, re);
    const b = await d.berth(["build", "-t", "broken:1", dir], { timeoutMs: 60_000 });
    assert.equal(b.code, code, `${df}: ${b.stdout} ${b.stderr}`);
    assert.match(b.stderr, re);
    await assertNothingTagged(d, "broken:1");
  }
  const r = await apiBuild(d, "t=broken:1", await tarOf(dir));
  assert.equal(r.status, 200);
  assert.equal(r.lines.at(-1)?.errorDetail?.message.includes("no-such-image-here"), true);
  // the daemon keeps working after all that
  await fs.writeFile(path.join(dir, "Dockerfile"), "FROM busybox\nCOPY file /file\n");
  const ok = await d.docker(["build", "-t", "fine:1", dir], { timeoutMs: 60_000 });
  assert.equal(ok.code, 0, ok.stderr);
});

test("hostile context tars are refused: ../, absolute names, writes through a symlink, devices, outside hardlinks", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const outside = await fs.mkdtemp(path.join(os.tmpdir(), "bhostile-"));
  t.after(() => fs.rm(outside, { recursive: true, force: true }));
  const df = { name: "Dockerfile", body: "FROM busybox\nCOPY . /\n" };
  const cases: Array<[string, Array<Partial<tar.Header> & { name: string; body?: string }>, RegExp]> = [
    ["dot-dot", [df, { name: "../../../../../../..".concat(outside, "/dotdot"), body: "pwned" }], /outside the build context/],
    ["absolute", [df, { name: `${outside}/absolute`, body: "pwned" }], /absolute paths are not allowed/],
    ["symlink", [df, { name: "link", type: "symlink", linkname: outside }, { name: "link/through-link", body: "pwned" }], /is not a directory \(symlink\)/],
    ["device", [df, { name: "dev", type: "character-device", devmajor: 1, devminor: 3 }], /character-device entries are not allowed/],
    ["hardlink", [df, { name: "hl", type: "link", linkname: "/etc/passwd" }], /absolute paths are not allowed|not a file in the context/],
  ];
  for (const [what, entries, re] of cases) {
    const r = await apiBuild(d, "t=hostile:1", await hostileTar(entries));
    assert.equal(r.status, 400, `${what}: ${r.body}`);
    assert.match(JSON.parse(r.body).message, re, what);
  }
  assert.deepEqual(await fs.readdir(outside), [], "nothing was written outside");
  assert.equal(existsSync(path.join(d.dataRoot, "build-tmp")) && (await fs.readdir(path.join(d.dataRoot, "build-tmp"))).filter((n) => n.startsWith("b-")).length, 0, "no build dir is left");
  await assertNothingTagged(d, "hostile:1");

  // not a tar at all
  const junk = await d.api("POST", "/build?t=hostile:1", Buffer.from("this is not a tar archive, just text that goes on".repeat(20)), { "Content-Type": "application/x-tar" });
  assert.equal(junk.status, 400, junk.body.toString());
  // gzip that breaks off in the middle
  const dir = await writeContext({ Dockerfile: "FROM busybox\n", big: "y".repeat(100_000) });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const { gzipSync } = await import("node:zlib");
  const gz = gzipSync(await tarOf(dir));
  const cut = await d.api("POST", "/build?t=hostile:1", gz.subarray(0, Math.floor(gz.length / 2)), { "Content-Type": "application/x-tar" });
  assert.equal(cut.status, 400, cut.body.toString());
  const whole = await d.api("POST", "/build?t=gz:1", gz, { "Content-Type": "application/x-tar" });
  assert.equal(whole.status, 200, whole.body.toString());
});
