/** Docker's prune prompt: the warning, then "[y/N]" answered on stdin; only y/yes confirms. */
import { createInterface } from "node:readline/promises";
import type { CliContext } from "./context.js";

export async function confirm(ctx: CliContext, warning: string): Promise<boolean> {
  ctx.stderr.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  const rl = createInterface({ input: ctx.stdin });
  const answer = await rl.question("").catch(() => "");
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
