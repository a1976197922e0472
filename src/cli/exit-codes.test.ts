import { test } from "node:test";
import assert from "node:assert/strict";
import { DaemonError, DaemonUnreachableError } from "../client/index.js";
import { CliError, ContainerExit, exitReportFor } from "./exit-codes.js";
import { FlagError } from "./options/parsers.js";

test("container exit status passes through silently", () => {
  assert.deepEqual(exitReportFor(new ContainerExit(3)), { exitCode: 3, message: "" });
});

test("daemon errors during run setup map to 125/126/127", () => {
  const notFound = new DaemonError(500, 'OCI runtime create failed: exec: "nosuch": executable file not found in $PATH: unknown');
  const denied = new DaemonError(500, 'OCI runtime create failed: exec: "/etc": permission denied: unknown');
  assert.equal(exitReportFor(notFound, "setup").exitCode, 127);
  assert.equal(exitReportFor(denied, "setup").exitCode, 126);
  const noImage = exitReportFor(new DaemonError(404, "No such image: x:1"), "setup");
  assert.deepEqual(noImage, { exitCode: 125, message: "Error response from daemon: No such image: x:1" });
});

test("other failures exit 1, flag errors 125", () => {
  assert.equal(exitReportFor(new DaemonError(409, "conflict")).exitCode, 1);
  assert.equal(exitReportFor(new DaemonError(404, "No such container: x")).message, "Error response from daemon: No such container: x");
  assert.equal(exitReportFor(new FlagError("bad")).exitCode, 125);
  assert.equal(exitReportFor(new CliError("boom")).exitCode, 1);
  assert.equal(exitReportFor(new DaemonUnreachableError("/x.sock"), "setup").exitCode, 125);
});
