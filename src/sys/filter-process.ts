/**
 * A byte stream through an external filter (`xz -dc`, `bzip2 -dc`): used for
 * the compressions Node has no built-in codec for. The child's exit status is
 * checked; a non-zero exit fails the output stream with an ExecError.
 */
import { spawn } from "node:child_process";
import { PassThrough, type Readable } from "node:stream";
import { ExecError } from "../errors/index.js";

export function filterThrough(argv: string[], input: Readable): Readable {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  const out = new PassThrough();
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  child.stdin.on("error", () => {});
  input.on("error", (e) => {
    child.kill("SIGKILL");
    out.destroy(e);
  });
  input.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  child.on("error", (e) => out.destroy(new ExecError(argv, null, String(e), { cause: e })));
  child.on("close", (code) => {
    if (code === 0) out.end();
    else out.destroy(new ExecError(argv, code, stderr));
  });
  out.on("close", () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return out;
}
