/**
 * The same Dockerfile built by berthd and by Debian's real dockerd (classic
 * builder, DOCKER_BUILDKIT=0): `docker history` and `docker inspect` must show
 * the same structure — the same steps with the same created_by text (source
 * digests aside: Docker's are tarsums), the same empty/non-empty layers, the
 * same layer count and the same run config.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { test } from "node:test";
import { busyboxTar, importBusybox, isRoot, startDaemon } from "./harness.js";
import { hasDockerd, startPeerDocker } from "./peer-docker.js";
import { writeContext } from "./build-lib.js";

const DOCKERFILE = `ARG BASE=busybox:latest
FROM $BASE AS first
ARG A=1
ENV X=1 Y="two words"
LABEL a=b c="d e"
RUN echo hi > /a
RUN true
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
HEALTHCHECK --interval=5s --retries=3 CMD true
SHELL ["/bin/sh","-xc"]
ONBUILD RUN echo onbuild
MAINTAINER me
ENTRYPOINT ["/bin/sh"]
CMD echo cmd
`;

const CONFIG_FIELDS = ["Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Volumes", "Labels", "StopSignal", "Healthcheck", "OnBuild", "Shell"];

function normalizeHistory(out: string): string[] {
  return out
    .trim()
    .split("\n")
    .map((l) => l.replace(/(file|dir|multi):[0-9a-f]{64}/g, "$1:<digest>").replace(/\|(\d+(\.\d+)?[kMG]?B)$/, (_m, size: string) => (size === "0B" ? "|empty" : "|data")));
}

test("berthd and dockerd build the same Dockerfile into the same history and config structure", { skip: (!isRoot && "needs root") || (!hasDockerd && "no dockerd") }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  const peer = await startPeerDocker();
  t.after(() => peer.stop());
  await importBusybox(d);
  const imp = await peer.docker(["import", await busyboxTar(), "busybox:latest"]);
  assert.equal(imp.code, 0, imp.stderr);
  const dir = await writeContext({ Dockerfile: DOCKERFILE, file: "file content\n", "dir/sub/x": "x\n", "dir/y": "y\n" });
  t.after(() => fs.rm(dir, { recursive: true, force: true }));

  const ours = await d.docker(["build", "-t", "same:1", dir], { timeoutMs: 120_000 });
  assert.equal(ours.code, 0, ours.stderr);
  const theirs = await peer.docker(["build", "-t", "same:1", dir], { timeoutMs: 180_000 });
  assert.equal(theirs.code, 0, theirs.stderr);
  const steps = (s: string) => s.split("\n").filter((l) => l.startsWith("Step "));
  assert.deepEqual(steps(ours.stdout), steps(theirs.stdout), "the same Step lines");

  const hist = ["history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Size}}", "same:1"];
  const a = normalizeHistory((await d.docker(hist)).stdout);
  const b = normalizeHistory((await peer.docker(hist)).stdout);
  // the base image's own entry differs (berth's import vs Docker's): compare the build's steps
  assert.deepEqual(a.slice(0, -1), b.slice(0, -1));

  const fmt = ["image", "inspect", "same:1", "--format", "{{json .}}"];
  const ia = JSON.parse((await d.docker(fmt)).stdout);
  const ib = JSON.parse((await peer.docker(fmt)).stdout);
  for (const f of CONFIG_FIELDS) assert.deepEqual(ia.Config[f], ib.Config[f], `Config.${f}`);
  assert.equal(ia.Author, ib.Author);
  assert.equal(ia.RootFS.Layers.length, ib.RootFS.Layers.length, "the same number of layers");
  assert.deepEqual(ia.ContainerConfig.Cmd, ib.ContainerConfig.Cmd, "ContainerConfig.Cmd carries the #(nop) text");
  assert.equal(ia.Parent !== "", ib.Parent !== "", "a build's image has its previous step as parent");
});
