/**
 * Build features through the berth CLI and the docker CLI: multi-stage with
 * --target and COPY --from, build args, .dockerignore, heredocs, ADD of local
 * archives and of a URL, --chown/--chmod, the CLI's context forms (dir, -,
 * tarball, -f), -q/--iidfile, labels, and builder prune.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { test } from "node:test";
import { importBusybox, isRoot, runCmd, startDaemon } from "./harness.js";
import { listContainers, tarOf, writeContext } from "./build-lib.js";

const skip = !isRoot && "needs root";

test("multi-stage: --target builds only what it needs; COPY --from by name, index and image", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({
    Dockerfile: `FROM busybox AS base
RUN echo base > /base.txt
FROM busybox AS unused
RUN echo this-must-not-run; exit 9
FROM base AS builder
RUN mkdir -p /out/sub && echo built > /out/sub/artifact && echo two > /out/two
FROM busybox
COPY --from=builder /out/ /app/
COPY --from=0 /base.txt /base-by-index
COPY --from=busybox /bin/busybox /copied-busybox
CMD ["cat", "/app/sub/artifact"]
`,
  });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const r = await d.berth(["build", "-t", "multi", dir], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /this-must-not-run/);
  assert.match(r.stdout, /^Sending build context to Docker daemon  [\d.]+k?B\nStep 1\/9 : FROM busybox AS base\n/);
  const run = await d.berth(["run", "--rm", "multi", "sh", "-c", "cat /app/sub/artifact /app/two /base-by-index; test -x /copied-busybox && echo exe"]);
  assert.equal(run.stdout, "built\ntwo\nbase\nexe\n", run.stderr);
  const def = await d.berth(["run", "--rm", "multi"]);
  assert.equal(def.stdout, "built\n");

  // --target stops at the named stage
  const tr = await d.berth(["build", "--target", "builder", "-t", "multi:builder", dir], { timeoutMs: 120_000 });
  assert.equal(tr.code, 0, tr.stderr);
  const ls = await d.berth(["run", "--rm", "multi:builder", "cat", "/out/sub/artifact", "/base.txt"]);
  assert.equal(ls.stdout, "built\nbase\n");
  const bad = await d.berth(["build", "--target", "nope", dir]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /nope/);
});

test("build args, ARG before FROM, .dockerignore, heredocs, labels, -q and --iidfile", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({
    Dockerfile: [
      "ARG TAG=latest",
      "FROM busybox:${TAG}",
      "ARG WHO=world",
      "ARG EMPTY",
      'ENV GREETING="hello ${WHO}"',
      'RUN echo "$GREETING/$WHO/${EMPTY:-unset}" > /greeting',
      "RUN <<EOF",
      'echo "from heredoc $WHO" > /heredoc-run',
      "EOF",
      "RUN <<SCRIPT",
      "#!/bin/sh",
      "echo shebang > /shebang",
      "SCRIPT",
      "COPY <<EOT /etc/conf.txt",
      "who=${WHO}",
      "EOT",
      "COPY . /ctx/",
      "",
    ].join("\n"),
    ".dockerignore": "secret*\n**/*.log\n!keep.log\nnode_modules\n",
    "secret.txt": "s",
    "app.js": "x",
    "a/b/debug.log": "l",
    "keep.log": "k",
    "node_modules/m/index.js": "m",
  });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const iid = `${dir}.iid`;
  t.after(() => fs.rm(iid, { force: true }));
  const r = await d.berth(["build", "-q", "--iidfile", iid, "--build-arg", "WHO=berth", "--build-arg", "UNUSED=1", "--label", "org.test=yes", "--label", "org.literal=$5 ${HOME} 'q'", "-t", "args", dir], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/, "quiet prints only the ID");
  assert.equal(await fs.readFile(iid, "utf8"), r.stdout.trim());
  const run = await d.berth(["run", "--rm", "args", "sh", "-c", "cat /greeting /heredoc-run /shebang /etc/conf.txt; ls /dev/pipes 2>&1 | wc -l; cd /ctx && find . -type f | sort; echo WHO=$WHO"]);
  assert.equal(run.stdout, "hello berth/berth/unset\nfrom heredoc berth\nshebang\nwho=berth\n1\n./.dockerignore\n./Dockerfile\n./app.js\n./keep.log\nWHO=\n", run.stderr);
  const labels = (await d.docker(["image", "inspect", "args", "--format", "{{json .Config.Labels}}"])).stdout.trim();
  // --label values are literal: no substitution of $5 or ${HOME}, quotes kept
  assert.equal(labels, `{"org.literal":"$5 \${HOME} 'q'","org.test":"yes"}`);
  const hist = (await d.docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}", "args"])).stdout;
  assert.match(hist, /\|1 WHO=berth \/bin\/sh -c echo "\$GREETING\/\$WHO\/\$\{EMPTY:-unset\}" > \/greeting/);
  const env = (await d.docker(["image", "inspect", "args", "--format", "{{json .Config.Env}}"])).stdout;
  assert.doesNotMatch(env, /"WHO=/, "ARG values are not in the image config");

  // docker CLI, same context: an unused build arg is warned about; another WHO misses from the ENV on
  const dr = await d.docker(["build", "--build-arg", "WHO=berth", "--build-arg", "UNUSED=1", "-t", "args2", dir], { timeoutMs: 120_000 });
  assert.equal(dr.code, 0, dr.stderr);
  assert.match(dr.stdout, /\[Warning\] One or more build-args \[UNUSED\] were not consumed/);
  const dr2 = await d.docker(["build", "--build-arg", "WHO=other", "-t", "args3", dir], { timeoutMs: 120_000 });
  assert.equal(dr2.code, 0, dr2.stderr);
  const steps = dr2.stdout.split(/Step \d+\/\d+ : /).slice(1);
  assert.ok(steps[2]!.includes("Using cache"), `ARG WHO is the same text: ${steps[2]}`);
  assert.ok(!steps[4]!.includes("Using cache"), `ENV with another WHO misses: ${steps[4]}`);
  const same = await d.docker(["build", "--build-arg", "WHO=other", "-t", "args3", dir], { timeoutMs: 120_000 });
  assert.doesNotMatch(same.stdout, /Running in/, "an unchanged rebuild (heredoc RUNs included) is all cache");
  assert.equal((await d.docker(["run", "--rm", "args3", "cat", "/greeting"])).stdout, "hello other/other/unset\n");
});

test("ADD: local tar.gz/bz2/xz are unpacked, a URL is downloaded (0600); COPY --chown/--chmod", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const server = http.createServer((req, res) => {
    if (req.url === "/files/remote.txt") {
      res.writeHead(200, { "Content-Type": "text/plain", "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT" });
      res.end("remote content\n");
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const dir = await writeContext({ "payload/p.txt": "packed\n", "plain.txt": "plain\n", "run.sh": { content: "#!/bin/sh\necho ran\n", mode: 0o644 } });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  for (const [flag, ext] of [["-z", "tgz"], ["-j", "tbz"], ["-J", "txz"]] as const) {
    const r = await runCmd(["tar", flag, "-cf", path.join(dir, `a.${ext}`), "-C", path.join(dir, "payload"), "."]);
    assert.equal(r.code, 0, r.stderr);
  }
  await fs.rm(path.join(dir, "payload"), { recursive: true });
  await fs.writeFile(
    path.join(dir, "Dockerfile"),
    [
      "FROM busybox",
      "ADD a.tgz /gz/",
      "ADD a.tbz /bz/",
      "ADD a.txz /xz/",
      `ADD http://127.0.0.1:${port}/files/remote.txt /dl/`,
      "COPY --chown=nobody:nogroup plain.txt /owned/",
      "COPY --chown=33 --chmod=755 run.sh /usr/local/bin/run",
      "ADD plain.txt /added-plain",
      "",
    ].join("\n"),
  );
  const r = await d.docker(["build", "-t", "adds", dir], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const run = await d.docker(["run", "--rm", "adds", "sh", "-c", "cat /gz/p.txt /bz/p.txt /xz/p.txt /dl/remote.txt /added-plain; stat -c '%a %u %g' /dl/remote.txt /owned/plain.txt /usr/local/bin/run; run"]);
  assert.equal(run.stdout, "packed\npacked\npacked\nremote content\nplain\n600 0 0\n644 65534 65534\n755 33 33\nran\n", run.stderr);
  assert.deepEqual(await listContainers(d), []);
});

test("berth build: context from stdin (Dockerfile or tar), a tarball path, -f outside the context; builder prune", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const stdinDf = await d.berth(["build", "-t", "fromstdin", "-"], { input: "FROM busybox\nRUN echo piped > /p\n", timeoutMs: 60_000 });
  assert.equal(stdinDf.code, 0, stdinDf.stderr);
  assert.equal((await d.berth(["run", "--rm", "fromstdin", "cat", "/p"])).stdout, "piped\n");

  const dir = await writeContext({ Dockerfile: "FROM busybox\nCOPY f /f\n", f: "tarred\n" });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const tar = await tarOf(dir);
  const stdinTar = await d.berth(["build", "-t", "fromtar", "-"], { input: tar, timeoutMs: 60_000 });
  assert.equal(stdinTar.code, 0, stdinTar.stderr);
  const tarFile = `${dir}.tar`;
  await fs.writeFile(tarFile, tar);
  t.after(() => fs.rm(tarFile, { force: true }));
  const fromFile = await d.berth(["build", "-t", "fromfile", tarFile], { timeoutMs: 60_000 });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /Using cache/, "same content, same cache");
  const outside = `${dir}.Dockerfile`;
  await fs.writeFile(outside, "FROM busybox\nCOPY f /g\n");
  t.after(() => fs.rm(outside, { force: true }));
  const fFlag = await d.berth(["build", "-f", outside, "-t", "outside", dir], { timeoutMs: 60_000 });
  assert.equal(fFlag.code, 0, fFlag.stderr);
  assert.equal((await d.berth(["run", "--rm", "outside", "cat", "/g"])).stdout, "tarred\n");

  // a failed build leaves its step images as cache; prune removes that chain but keeps tagged images and their parents
  const failing = await d.berth(["build", "-"], { input: "FROM busybox\nRUN echo x > /x\nRUN exit 3\n", timeoutMs: 60_000 });
  assert.equal(failing.code, 3, failing.stderr);
  const before = (await d.docker(["images", "-a", "-q"])).stdout.trim().split("\n").length;
  const pr = await d.berth(["builder", "prune", "-f"]);
  assert.equal(pr.code, 0, pr.stderr);
  assert.match(pr.stdout, /Total reclaimed space: /);
  const after = (await d.docker(["images", "-a", "-q"])).stdout.trim().split("\n").length;
  assert.equal(after, before - 1, `the "RUN echo x" image went: ${pr.stdout}`);
  const api = await d.api("POST", "/build/prune?all=1");
  assert.equal(api.status, 200);
  assert.equal(typeof api.json().SpaceReclaimed, "number");
  const again = await d.berth(["build", "-t", "fromfile", tarFile], { timeoutMs: 60_000 });
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /Using cache/, "prune --all forgot every cache entry");
  assert.equal((await d.berth(["run", "--rm", "outside", "cat", "/g"])).stdout, "tarred\n", "tagged images survive prune");
});
