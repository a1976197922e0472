/**
 * `berth inspect [--type container|image] [-f FORMAT] NAME...`. Without a
 * type the docker CLI probes containers, then images, … until one is not 404
 * (03 transcript, `docker inspect no-such-container`), prints what it found
 * and "Error: No such object: x" for the rest, with "[]" on stdout.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { DaemonError, type EngineClient } from "../../client/index.js";
import { CliError } from "../exit-codes.js";
import { compileTemplate } from "../format/go-template.js";
import { VolumeApi } from "../../client/volume-api.js";

type ObjectType = "container" | "image" | "volume";

const PROBES: Record<ObjectType, (client: EngineClient, name: string, size: boolean) => Promise<unknown>> = {
  container: (client, name, size) => client.inspectContainer(name, { size }),
  image: (client, name) => client.inspectImage(name),
  volume: (client, name) => new VolumeApi(client.transport).inspect(name),
};

async function lookup(client: EngineClient, name: string, type: ObjectType | undefined, size: boolean): Promise<unknown> {
  const probes: ObjectType[] = type ? [type] : ["container", "image", "volume"];
  for (const probe of probes) {
    try {
      return await PROBES[probe](client, name, size);
    } catch (err) {
      if (!(err instanceof DaemonError && err.isNotFound)) throw err;
    }
  }
  return undefined;
}

export function define(cmd: Command, ctx: CliContext, preset?: Record<string, string>): void {
  cmd
    .argument("<names...>")
    .option("-f, --format <string>", "Format output using a custom template")
    .option("-s, --size", "Display total file sizes if the type is container");
  if (!preset?.type) cmd.option("--type <string>", "Return JSON for specified type");
  cmd.action(async (names: string[], flags: { format?: string; size?: boolean; type?: string }) => {
    const type = (preset?.type ?? flags.type) as ObjectType | undefined;
    if (type !== undefined && !(type in PROBES)) throw new CliError(`"${type}" is not a valid value for --type`, 125);
    const client = await ctx.client();
    const found: unknown[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const object = await lookup(client, name, type, Boolean(flags.size));
      if (object === undefined) missing.push(`Error: No such ${type ?? "object"}: ${name}`);
      else found.push(object);
    }
    if (flags.format) {
      const template = compileTemplate(flags.format.replaceAll("\\t", "\t").replaceAll("\\n", "\n"));
      for (const object of found) ctx.stdout.write(template.render(object) + "\n");
    } else {
      ctx.stdout.write((found.length === 0 ? "[]" : JSON.stringify(found, null, 4)) + "\n");
    }
    if (missing.length > 0) throw new CliError(missing.join("\n"));
  });
}
