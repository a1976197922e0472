import { test } from "node:test";
import assert from "node:assert/strict";
import type { RunInstruction } from "./ast.js";
import { parseDockerfile } from "./parse.js";
import { resolveRunCommand } from "./run-command.js";

const run = (text: string) => parseDockerfile(`FROM a\n${text}\n`).stages[0].instructions[0] as RunInstruction;

test("a heredoc-only RUN runs its body with the shell", () => {
  assert.deepEqual(resolveRunCommand(run("RUN <<EOF\necho a\necho b\nEOF")), { kind: "shell", text: "echo a\necho b\n" });
  assert.deepEqual(resolveRunCommand(run("RUN <<-EOF\n\techo a\n\tEOF")), { kind: "shell", text: "echo a\n" });
});

test("a heredoc-only RUN with a shebang runs the body as a file", () => {
  assert.deepEqual(resolveRunCommand(run("RUN <<script.py\n#!/usr/bin/env python3\nprint(1)\nscript.py")), {
    kind: "file", name: "script.py", content: "#!/usr/bin/env python3\nprint(1)\n",
  });
});

test("other heredoc lines are joined back into one shell script", () => {
  assert.deepEqual(resolveRunCommand(run("RUN cat <<A > /a && cat <<'B' > /b\n1 $x\nA\n2 $x\nB")), {
    kind: "shell", text: "cat <<A > /a && cat <<'B' > /b\n1 $x\nA\n2 $x\nB",
  });
  assert.deepEqual(resolveRunCommand(run("RUN --network=none <<A <<B\na\nA\nb\nB")), {
    kind: "shell", text: "<<A <<B\na\nA\nb\nB",
  });
});

test("without heredocs the command is unchanged", () => {
  assert.deepEqual(resolveRunCommand(run("RUN echo hi")), { kind: "shell", text: "echo hi" });
  assert.deepEqual(resolveRunCommand(run('RUN ["echo", "<<EOF"]')), { kind: "exec", args: ["echo", "<<EOF"] });
});
