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

test("the Dockerfile reference's Here-Documents examples", () => {
  assert.deepEqual(resolveRunCommand(run("RUN <<EOT bash\n  set -ex\n  apt-get update\nEOT")), {
    kind: "shell", text: "<<EOT bash\n  set -ex\n  apt-get update\nEOT",
  });
  assert.deepEqual(resolveRunCommand(run("RUN <<EOT\n  mkdir -p foo/bar\nEOT")), { kind: "shell", text: "  mkdir -p foo/bar\n" });
  assert.deepEqual(resolveRunCommand(run('RUN <<EOT\n#!/usr/bin/env python\nprint("hello world")\nEOT')), {
    kind: "file", name: "EOT", content: '#!/usr/bin/env python\nprint("hello world")\n',
  });
  assert.deepEqual(resolveRunCommand(run("RUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nI am\nfirst\nFILE1\nI am\nsecond\nFILE2")), {
    kind: "shell", text: "<<FILE1 cat > file1 && <<FILE2 cat > file2\nI am\nfirst\nFILE1\nI am\nsecond\nFILE2",
  });
  const df = parseDockerfile('FROM alpine\nARG FOO=bar\nCOPY <<-EOT /script.sh\n  echo "hello ${FOO}"\nEOT\nCOPY <<-"EOT" /s2\n\techo "hello ${FOO}"\n\tEOT\nCOPY <<EOF greeting.txt\nhello world\nEOF\n');
  const [, c1, c2, c3] = df.stages[0].instructions as Array<{ heredocs: unknown; dest?: string }>;
  assert.deepEqual(c1.heredocs, [{ name: "EOT", content: '  echo "hello ${FOO}"\n', expand: true }]);
  assert.deepEqual(c2.heredocs, [{ name: "EOT", content: 'echo "hello ${FOO}"\n', expand: false }]);
  assert.deepEqual(c3.heredocs, [{ name: "EOF", content: "hello world\n", expand: true }]);
  assert.equal(c3.dest, "greeting.txt");
});
