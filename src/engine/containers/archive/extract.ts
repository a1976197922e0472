/**
 * PUT /containers/{id}/archive: a tar (plain or gzip) extracted into a
 * directory of a container's root filesystem.
 *
 * It reuses the layer unpacker's EntryWriter, so the same guarantees hold:
 * no entry lands outside `destDir` (no "..", absolute names are rebased,
 * symlinked parents are refused, the final component is never followed), and
 * owners, modes, times, links, devices and xattrs are kept. What differs from
 * a layer:
 *   - owners: the tar's uid/gid are kept, as Docker does when CopyUIDGID is
 *     false (the CLI sends the host file's owner; `docker cp -a` is not
 *     implemented yet — see the report in the PR);
 *   - `.wh.*` names are plain files for Docker's Untar but would become
 *     overlay whiteouts here, so they are refused (400);
 *   - trusted.overlay.* xattrs are dropped (overlayfs refuses them);
 *   - noOverwriteDirNonDir: replacing a directory by a non-directory or the
 *     reverse fails with Docker's message.
 */
import { lstatSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { decompressed } from "../../../archive/decompress.js";
import { cleanEntryName } from "../../../archive/entry-name.js";
import { EntryWriter, PARSER_BUFFER_BYTES } from "../../../archive/entry-writer.js";
import type { EntryData } from "../../../archive/file-data-writer.js";
import { trackPaxXattrs, type TarHeader } from "../../../archive/pax-xattrs.js";
import { WHITEOUT_PREFIX } from "../../../archive/whiteout.js";
import { InvalidArgumentError } from "../../../errors/index.js";

export interface ExtractOptions {
  noOverwriteDirNonDir: boolean;
}

async function checkOverwrite(destDir: string, h: TarHeader): Promise<void> {
  const comps = cleanEntryName(h.name);
  if (comps.length === 0) return;
  const target = path.join(destDir, ...comps);
  let st;
  try {
    st = lstatSync(target); // synchronous, as EntryWriter's per-entry calls (archive/entry-writer.ts)
  } catch {
    st = undefined;
  }
  if (!st) return;
  const entryIsDir = h.type === "directory";
  if (st.isDirectory() && !entryIsDir) throw new InvalidArgumentError(`cannot overwrite directory "${target}" with non-directory "${h.name}"`);
  if (!st.isDirectory() && entryIsDir) throw new InvalidArgumentError(`cannot overwrite non-directory "${target}" with directory "${h.name}"`);
}

export async function extractInto(body: Readable, destDir: string, opts: ExtractOptions): Promise<void> {
  const input = await decompressed(body);
  const extract = tar.extract({ highWaterMark: PARSER_BUFFER_BYTES });
  const xattrsOf = trackPaxXattrs(extract);
  const writer = new EntryWriter(destDir);
  input.on("error", (e) => extract.destroy(e));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      const h = entry.header as unknown as TarHeader;
      const comps = cleanEntryName(h.name);
      if (comps.some((c) => c.startsWith(WHITEOUT_PREFIX))) {
        throw new InvalidArgumentError(`entry ${JSON.stringify(h.name)}: names starting with ${WHITEOUT_PREFIX} cannot be copied into a container`);
      }
      if (opts.noOverwriteDirNonDir) await checkOverwrite(destDir, h);
      const xattrs = xattrsOf(h);
      for (const k of [...xattrs.keys()]) if (k.startsWith("trusted.overlay.")) xattrs.delete(k);
      await writer.apply(h, xattrs, entry as unknown as EntryData);
      entry.resume();
    }
    await writer.finish();
  } catch (e) {
    input.destroy();
    extract.destroy(e as Error);
    throw e;
  }
}
