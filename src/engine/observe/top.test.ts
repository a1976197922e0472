import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "../../errors/index.js";
import { parsePsOutput, psArgv } from "./top.js";

const EF = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 10:00 ?        00:00:01 /sbin/init
root        1527    1507  0 10:24 ?        00:00:00 sleep 300
root        1600    1507  0 10:25 pts/0    00:00:00 sh -c  echo hi
`;

test("default ps args and word splitting", () => {
  assert.deepEqual(psArgv(undefined), ["ps", "-ef"]);
  assert.deepEqual(psArgv(" -o pid,comm "), ["ps", "-o", "pid,comm"]);
});

test("keeps only the container's pids and joins the command", () => {
  const r = parsePsOutput(EF, [1527, 1600]);
  assert.deepEqual(r.titles, ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]);
  assert.deepEqual(r.processes, [
    ["root", "1527", "1507", "0", "10:24", "?", "00:00:00", "sleep 300"],
    ["root", "1600", "1507", "0", "10:25", "pts/0", "00:00:00", "sh -c echo hi"],
  ]);
});

test("custom columns; no PID column is an error", () => {
  assert.deepEqual(parsePsOutput("  PID COMMAND\n 1527 sleep\n    9 other\n", [1527]).processes, [["1527", "sleep"]]);
  assert.throws(() => parsePsOutput("COMMAND\nsleep\n", [1]), InvalidArgumentError);
});
