/**
 * What a RUN step's layer holds (step-layer.ts): a directory removed and made
 * again is opaque (its `.wh..wh..opq` marker in the saved layer hides the
 * lower layer's files), a new directory is simply in the layer, and the
 * image shows only what the last step left.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { importBusybox, isRoot, runCmd, startDaemon } from "./harness.js";
import { writeContext } from "./build-lib.js";

const skip = !isRoot && "needs root";

test("RUN layers: a re-created directory is opaque in the saved layer, a new one is plain", { skip }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.stop());
  await importBusybox(d);
  const dir = await writeContext({ Dockerfile: "FROM busybox:latest\nRUN mkdir -p /o && touch /o/old\nRUN rm -rf /o && mkdir /o && touch /o/new\nRUN mkdir /fresh && touch /fresh/f\n" });
  const out = await fs.mkdtemp(path.join(os.tmpdir(), "bl-"));
  t.after(() => Promise.all([fs.rm(dir, { recursive: true, force: true }), fs.rm(out, { recursive: true, force: true })]));
  const b = await d.docker(["build", "-t", "layers:1", dir], { timeoutMs: 120_000 });
  assert.equal(b.code, 0, b.stderr + b.stdout);
  const ls = await d.docker(["run", "--rm", "layers:1", "ls", "/o", "/fresh"]);
  assert.equal(ls.stdout, "/fresh:\nf\n\n/o:\nnew\n", ls.stderr);

  assert.equal((await d.docker(["save", "-o", path.join(out, "img.tar"), "layers:1"])).code, 0);
  assert.equal((await runCmd(["tar", "-xf", path.join(out, "img.tar"), "-C", out])).code, 0);
  const names: string[] = [];
  const walk = async (p: string): Promise<void> => {
    for (const e of await fs.readdir(p, { withFileTypes: true })) {
      const f = path.join(p, e.name);
      if (e.isDirectory()) await walk(f);
      else if (f !== path.join(out, "img.tar")) {
        const r = await runCmd(["tar", "-tf", f]);
        if (r.code === 0) names.push(...r.stdout.split("\n").filter(Boolean));
      }
    }
  };
  await walk(out);
  assert.ok(names.includes("o/.wh..wh..opq"), `the re-created /o is opaque in its layer: ${names.join(" ")}`);
  assert.ok(names.includes("fresh/f"), "the new directory's file is in its layer");
  assert.ok(!names.includes("fresh/.wh..wh..opq"), "a new directory carries no opaque marker");
});
