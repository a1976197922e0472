/**
 * Drives a command inside a real pseudo-terminal (util-linux `script`), as a
 * user at a terminal would: sets the terminal size, types `keys` (strings),
 * waits (numbers, in ms) or runs callbacks between them, then closes input.
 */
import { spawn } from "node:child_process";
import type { TestDaemon } from "./harness.js";

export type PtyStep = string | number | (() => void);

export function inPty(d: TestDaemon, command: string, keys: PtyStep[], size = { rows: 40, cols: 100 }): Promise<{ out: string; code: number | null; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", `stty rows ${size.rows} cols ${size.cols}; ${command}`, "/dev/null"], { env: { ...process.env, ...d.env }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ out, code, pid: child.pid! });
    });
    child.stdin.on("error", () => {});
    void (async () => {
      for (const k of keys) {
        if (typeof k === "number") await new Promise((r) => setTimeout(r, k));
        else if (typeof k === "function") k();
        else child.stdin.write(k);
      }
      await new Promise((r) => setTimeout(r, 1500));
      child.stdin.end();
    })();
  });
}
