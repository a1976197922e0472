/**
 * What a RUN with here-documents actually runs, as Docker's dispatchRun
 * decides it (the parser keeps the line and the bodies apart):
 *
 *  - `RUN <<EOF` alone: the body is the script. With a `#!` first line Docker
 *    writes it to a file (mode 0755, under /dev/pipes/ in the container) and
 *    executes that file; otherwise the body is run by the stage's SHELL as a
 *    `-c` string.
 *  - any other shell-form line (`RUN cat <<EOF > /f`, several heredocs):
 *    the line and the bodies are joined back into one shell script
 *    (`line\nbody1DELIM1\nbody2DELIM2`) and run by the SHELL, which reads
 *    the heredocs itself.
 *  - no heredocs: the command as parsed.
 */
import type { CommandForm, RunInstruction } from "./ast.js";
import { parseHeredocMarker } from "./heredoc.js";

export type RunCommand =
  | CommandForm
  /** execute `content` as a file named `name` (it starts with `#!`) */
  | { kind: "file"; name: string; content: string };

export function resolveRunCommand(run: RunInstruction): RunCommand {
  if (run.heredocs.length === 0 || run.cmd.kind === "exec") return run.cmd;
  const text = run.cmd.text;
  const only = parseHeredocMarker(text);
  if (only && run.heredocs.length === 1 && only.name === run.heredocs[0].name) {
    const { name, content } = run.heredocs[0];
    return content.startsWith("#!") ? { kind: "file", name, content } : { kind: "shell", text: content };
  }
  let full = text;
  for (const h of run.heredocs) full += "\n" + h.content + h.name;
  return { kind: "shell", text: full };
}
