/**
 * Commands that take several containers or images (stop a b, rm a b) act on
 * each in turn, print each success, print each failure, and exit 1 if any
 * failed — the docker CLI's behaviour (03 transcript: `docker stop web` prints "web").
 */
import type { CliContext } from "./context.js";
import { CliError, exitReportFor } from "./exit-codes.js";

export async function forEachTarget(ctx: CliContext, targets: string[], action: (target: string) => Promise<string | undefined>): Promise<void> {
  const failures: string[] = [];
  for (const target of targets) {
    try {
      const line = await action(target);
      if (line !== undefined) ctx.stdout.write(line + "\n");
    } catch (err) {
      failures.push(exitReportFor(err).message);
    }
  }
  if (failures.length > 0) throw new CliError(failures.join("\n"));
}
