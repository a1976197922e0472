/**
 * `berth build [OPTIONS] PATH | - | TARBALL`: packs the context
 * (cli/build/context-tar.ts), POSTs /build and prints the classic builder's
 * stream as it arrives (`Step 1/3 : …`, RUN output, `Successfully built`).
 * A failing RUN ends the command with that RUN's exit code, as docker does.
 */
import { promises as fs } from "node:fs";
import { Transform } from "node:stream";
import type { Command } from "commander";
import { StreamError } from "../../client/index.js";
import { packContext } from "../build/context-tar.js";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";
import { humanSize } from "../format/human.js";

const collect = (v: string, p: string[]) => [...p, v];

function keyValues(list: string[], what: string, fromEnv: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf("=");
    if (i === 0) throw new CliError(`invalid ${what}: ${item}`);
    if (i < 0) {
      const v = fromEnv ? process.env[item] : "";
      if (v !== undefined) out[item] = v;
    } else out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<context>", "context directory, tarball, or - for STDIN")
    .option("-t, --tag <name>", "Name and optionally a tag in the 'name:tag' format", collect, [])
    .option("-f, --file <path>", "Name of the Dockerfile (Default is 'PATH/Dockerfile')")
    .option("--build-arg <list>", "Set build-time variables", collect, [])
    .option("--label <list>", "Set metadata for an image", collect, [])
    .option("--target <stage>", "Set the target build stage to build")
    .option("--no-cache", "Do not use cache when building the image")
    .option("--pull", "Always attempt to pull a newer version of the image")
    .option("-q, --quiet", "Suppress the build output and print image ID on success")
    .option("--iidfile <file>", "Write the image ID to the file")
    .option("--cache-from <image>", "Images to consider as cache sources", collect, [])
    .option("--network <mode>", "Set the networking mode for the RUN instructions during build")
    .option("--rm", "Remove intermediate containers after a successful build", true)
    .option("--force-rm", "Always remove intermediate containers")
    .action(async (context: string, flags: { tag: string[]; file?: string; buildArg: string[]; label: string[]; target?: string; cache: boolean; pull?: boolean; quiet?: boolean; iidfile?: string; cacheFrom: string[]; network?: string; forceRm?: boolean }) => {
      let packed;
      try {
        packed = await packContext(context, flags.file, ctx.stdin);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      let id = "";
      // Docker's "Sending build context" line: the daemon answers only once the whole context is in,
      // so at the first message the count is final.
      let sent = 0;
      let announced = !!flags.quiet;
      const counted = packed.stream.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            sent += chunk.length;
            done(null, chunk);
          },
        }),
      );
      packed.stream.on("error", (e) => counted.destroy(e));
      try {
        await (await ctx.client()).build(
          counted,
          {
            tags: flags.tag,
            dockerfile: packed.dockerfile,
            buildArgs: keyValues(flags.buildArg, "build-arg", true),
            labels: keyValues(flags.label, "label", false),
            target: flags.target,
            noCache: flags.cache === false,
            pull: flags.pull,
            quiet: flags.quiet,
            cacheFrom: flags.cacheFrom,
            network: flags.network,
            forceRm: flags.forceRm,
          },
          (m) => {
            if (!announced) {
              announced = true;
              ctx.stdout.write(`Sending build context to Docker daemon  ${humanSize(sent, 4)}\n`);
            }
            if (m.aux?.ID) id = m.aux.ID;
            if (m.stream && !flags.quiet) ctx.stdout.write(m.stream);
          },
        );
      } catch (e) {
        if (e instanceof StreamError) throw new CliError(e.message, typeof e.code === "number" && e.code > 0 ? e.code : 1);
        throw e;
      }
      if (flags.quiet) ctx.stdout.write(`${id}\n`);
      if (flags.iidfile) await fs.writeFile(flags.iidfile, id);
    });
}
