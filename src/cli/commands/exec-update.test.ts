import assert from "node:assert/strict";
import { test } from "node:test";
import { buildExecRequest } from "./exec.js";
import { buildUpdateRequest } from "./update.js";

test("exec flags become docker's ExecConfig", () => {
  const body = buildExecRequest(
    { interactive: true, tty: true, env: ["A=1", "HOME"], envFile: [], workdir: "/tmp", user: "1:2", privileged: true, detachKeys: "ctrl-x" },
    ["sh"],
    { env: { HOME: "/root" }, readFile: () => "", consoleSize: [40, 100] },
  );
  assert.deepEqual(body, {
    User: "1:2", Privileged: true, Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true,
    Env: ["A=1", "HOME=/root"], WorkingDir: "/tmp", Cmd: ["sh"], DetachKeys: "ctrl-x", ConsoleSize: [40, 100],
  });
  const detached = buildExecRequest({ detach: true, interactive: true, env: [], envFile: [] }, ["true"], { env: {}, readFile: () => "" });
  assert.equal(detached.AttachStdin || detached.AttachStdout || detached.AttachStderr, false);
  assert.equal(detached.Env, null);
});

test("update sends only the flags given", () => {
  assert.deepEqual(buildUpdateRequest({ memory: "64m", memorySwap: "-1", cpus: "0.5", pidsLimit: "50", restart: "on-failure:2" }), {
    Memory: 67108864, MemorySwap: -1, NanoCpus: 500000000, PidsLimit: 50, RestartPolicy: { Name: "on-failure", MaximumRetryCount: 2 },
  });
  assert.throws(() => buildUpdateRequest({}), /one or more flags/);
  assert.throws(() => buildUpdateRequest({ pidsLimit: "x" }), /invalid argument/);
});
