/**
 * docker build against berthd with the real docker CLI (classic protocol,
 * with and without DOCKER_BUILDKIT=0) and raw POST /build: every instruction,
 * the image's config and files, cache hits and misses.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { DOCKER, importBusybox, isRoot, runCmd, startDaemon } from "./harness.js";
import { apiBuild, listContainers, tarOf, writeContext } from "./build-lib.js";

const skip = !isRoot && "needs root";

const EVERYTHING = `# syntax=docker/dockerfile:1
ARG BASE=busybox:latest
FROM $BASE AS first
ARG A=1
ENV X=1 Y="two words"
LABEL a=b c="d e"
RUN echo hi > /a && echo "A=$A"
RUN ["sh","-c","echo exec > /e"]
COPY file /b
COPY dir /d/
ADD file /c
WORKDIR /w
WORKDIR rel
USER nobody
EXPOSE 80 90/udp
VOLUME /v
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s CMD true
SHELL ["/bin/sh","-xc"]
ONBUILD RUN echo onbuild
MAINTAINER me
ENTRYPOINT ["/bin/sh"]
CMD echo cmd
`;

test("docker build (classic) of every instruction; the image runs with its files and config; rebuild is all cache", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({ Dockerfile: EVERYTHING, file: "file content\n", "dir/sub/x": "x\n", "dir/y": "y\n" });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));

  const r1 = await d.docker(["build", "-t", "every:1", "-t", "every:2", dir], { timeoutMs: 120_000 });
  assert.equal(r1.code, 0, r1.stderr + r1.stdout);
  assert.match(r1.stderr, /legacy builder is deprecated/, "without buildx the CLI falls back to the classic protocol");
  assert.match(r1.stdout, /Step 1\/22 : ARG BASE=busybox:latest/);
  assert.match(r1.stdout, /Step 6\/22 : RUN echo hi > \/a && echo "A=\$A"\n ---> Running in [0-9a-f]{12}\nA=1\nRemoving intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\n/);
  assert.match(r1.stdout, /Successfully built [0-9a-f]{12}\nSuccessfully tagged every:1\nSuccessfully tagged every:2\n/);
  assert.deepEqual(await listContainers(d), [], "no intermediate container is left");

  const run = await d.docker(["run", "--rm", "--entrypoint", "sh", "every:1", "-c", "pwd; id -u; cat /a /b /c /e /d/y /d/sub/x; echo X=$X Y=$Y A=$A; ls -ld /w/rel | cut -c1-10"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "/w/rel\n65534\nhi\nfile content\nfile content\nexec\ny\nx\nX=1 Y=two words A=\ndrwxr-xr-x\n");

  const cfg = JSON.parse((await d.docker(["image", "inspect", "every:1", "--format", "{{json .Config}}"])).stdout);
  assert.deepEqual(cfg.Entrypoint, ["/bin/sh"]);
  assert.deepEqual(cfg.Cmd, ["/bin/sh", "-xc", "echo cmd"]);
  assert.equal(cfg.User, "nobody");
  assert.equal(cfg.WorkingDir, "/w/rel");
  assert.deepEqual(cfg.Env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "X=1", "Y=two words"]);
  assert.deepEqual(cfg.Labels, { a: "b", c: "d e" });
  assert.deepEqual(cfg.ExposedPorts, { "80/tcp": {}, "90/udp": {} });
  assert.deepEqual(cfg.Volumes, { "/v": {} });
  assert.equal(cfg.StopSignal, "SIGINT");
  assert.deepEqual(cfg.Healthcheck, { Test: ["CMD-SHELL", "true"], Interval: 5_000_000_000 });
  assert.deepEqual(cfg.Shell, ["/bin/sh", "-xc"]);
  assert.deepEqual(cfg.OnBuild, ["RUN echo onbuild"]);
  const author = (await d.docker(["image", "inspect", "every:1", "--format", "{{.Author}}"])).stdout.trim();
  assert.equal(author, "me");

  const hist = (await d.docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Size}}", "every:1"])).stdout.trim().split("\n");
  assert.equal(hist[0], '/bin/sh -xc #(nop)  CMD ["/bin/sh" "-xc" "echo cmd"]|0B');
  assert.ok(hist.includes("/bin/sh -c #(nop)  ENV X=1 Y=two words|0B"), hist.join("\n"));
  assert.ok(hist.includes("/bin/sh -xc #(nop)  SHELL [/bin/sh -xc]|0B"), hist.join("\n"));
  assert.ok(hist.some((h) => /^\|1 A=1 \/bin\/sh -c echo hi > \/a && echo "A=\$A"\|3B$/.test(h)), hist.join("\n"));
  assert.ok(hist.some((h) => /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/b \|13B$/.test(h)), hist.join("\n"));
  assert.ok(hist.some((h) => /^\/bin\/sh -c #\(nop\) COPY dir:[0-9a-f]{64} in \/d\/ \|4B$/.test(h)), hist.join("\n"));
  assert.ok(hist.includes("/bin/sh -c #(nop) WORKDIR /w/rel|0B"), hist.join("\n"));
  assert.ok(hist.includes('/bin/sh -c #(nop)  HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" \'\\x00\'}|0B'), hist.join("\n"));

  // unchanged rebuild: every step from the cache, same image, no container run (DOCKER_BUILDKIT unset: the CLI falls back)
  const r2 = await d.docker(["build", "-t", "every:1", dir], { timeoutMs: 60_000 });
  assert.equal(r2.code, 0, r2.stderr);
  assert.doesNotMatch(r2.stdout, /Running in/);
  assert.equal((r2.stdout.match(/ ---> Using cache/g) ?? []).length, 20);
  assert.equal(r2.stdout.match(/Successfully built ([0-9a-f]{12})/)![1], r1.stdout.match(/Successfully built ([0-9a-f]{12})/)![1]);

  // change the file the first COPY uses: the steps before it hit, it and everything after rebuild (DOCKER_BUILDKIT=0 this time)
  await fs.writeFile(path.join(dir, "file"), "changed\n");
  const r3 = await runCmd([DOCKER, "build", "-t", "every:1", dir], { env: { ...d.env, DOCKER_BUILDKIT: "0" }, timeoutMs: 60_000 });
  assert.equal(r3.code, 0, r3.stderr);
  const steps = r3.stdout.split(/Step \d+\/22 : /).slice(1);
  const cached = steps.map((s) => s.includes("Using cache"));
  assert.deepEqual(cached.slice(2, 8), [true, true, true, true, true, false], r3.stdout);
  assert.ok(cached.slice(8).every((c) => !c), r3.stdout);
  const cat = await d.docker(["run", "--rm", "--entrypoint", "cat", "every:1", "/b"]);
  assert.equal(cat.stdout, "changed\n");
});

test("raw POST /build: stream shape, aux ID, a failing RUN's code, nothing tagged", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const ok = await writeContext({ Dockerfile: "FROM busybox\nRUN echo step\nCMD [\"sh\"]\n" });
  t.after(() => fs.rm(ok, { recursive: true, force: true }));
  const r = await apiBuild(d, "t=shape:1", await tarOf(ok));
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(r.lines[0], { stream: "Step 1/3 : FROM busybox" });
  assert.deepEqual(r.lines[1], { stream: "\n" });
  const aux = r.lines.find((l) => l.aux);
  assert.match(aux!.aux!.ID, /^sha256:[0-9a-f]{64}$/);
  assert.ok(r.lines.some((l) => l.stream === "step\n"), r.text);

  const bad = await writeContext({ Dockerfile: "FROM busybox\nRUN echo before; exit 7\n" });
  t.after(() => fs.rm(bad, { recursive: true, force: true }));
  const f = await apiBuild(d, "t=fail:1", await tarOf(bad));
  assert.equal(f.status, 200);
  const last = f.lines.at(-1)!;
  assert.deepEqual(last.errorDetail, { code: 7, message: "The command '/bin/sh -c echo before; exit 7' returned a non-zero code: 7" });
  assert.equal(last.error, "The command '/bin/sh -c echo before; exit 7' returned a non-zero code: 7");
  assert.equal((await d.api("GET", "/images/fail:1/json")).status, 404);
  assert.deepEqual(await listContainers(d), []);

  const cli = await d.docker(["build", "-t", "fail:2", bad], { timeoutMs: 60_000 });
  assert.equal(cli.code, 7, cli.stdout + cli.stderr);
  assert.match(cli.stderr, /The command '\/bin\/sh -c echo before; exit 7' returned a non-zero code: 7/);
});

test("the cache survives a daemon restart and goes with the images that own it (rmi, image prune)", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({ Dockerfile: "FROM busybox\nRUN echo one > /one\nCOPY f /f\nENV A=1\n", f: "data\n" });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const first = await d.berth(["build", "-t", "persist", dir], { timeoutMs: 60_000 });
  assert.equal(first.code, 0, first.stderr);
  await d.stopDaemon();
  await d.start();
  const again = await d.berth(["build", "-t", "persist", dir], { timeoutMs: 60_000 });
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.stdout.match(/ ---> Using cache/g) ?? []).length, 3, again.stdout);
  assert.doesNotMatch(again.stdout, /Running in/);

  // rmi removes the untagged step images under the tag, and with them the cache
  const rmi = await d.berth(["rmi", "persist"]);
  assert.equal(rmi.code, 0, rmi.stderr);
  assert.equal((rmi.stdout.match(/Deleted: sha256:/g) ?? []).length >= 4, true, rmi.stdout);
  const cold = await d.berth(["build", "-t", "persist", dir], { timeoutMs: 60_000 });
  assert.equal(cold.code, 0, cold.stderr);
  assert.doesNotMatch(cold.stdout, /Using cache/);
});

test("--cache-from reuses the step images under a given image when the cache itself is empty", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({ Dockerfile: "FROM busybox\nRUN echo one > /one\nCOPY f /f\nCMD [\"cat\", \"/f\"]\n", f: "data\n" });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const first = await d.docker(["build", "-t", "src:1", dir], { timeoutMs: 60_000 });
  assert.equal(first.code, 0, first.stderr);
  assert.equal((await d.api("POST", "/build/prune?all=1")).status, 200);
  const cold = await d.docker(["build", "-t", "other:1", "--cache-from", "nothing-here:1", dir], { timeoutMs: 60_000 });
  assert.equal(cold.code, 0, cold.stderr);
  assert.doesNotMatch(cold.stdout, /Using cache/);
  assert.equal((await d.api("POST", "/build/prune?all=1")).status, 200);
  const warm = await d.docker(["build", "-t", "again:1", "--cache-from", "src:1", dir], { timeoutMs: 60_000 });
  assert.equal(warm.code, 0, warm.stderr);
  assert.equal((warm.stdout.match(/ ---> Using cache/g) ?? []).length, 3, warm.stdout);
  const id = (s: string) => s.match(/Successfully built ([0-9a-f]{12})/)![1];
  assert.equal(id(warm.stdout), id(first.stdout));
});
