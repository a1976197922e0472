/**
 * Volumes from berth's own CLI: `berth volume create/ls/inspect/rm/prune`
 * (tables, --format, -q, filters) and `berth run -v/--mount/--volumes-from`,
 * checked by what a user sees.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

describe("berth volume CLI", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  const ok = async (args: string[], input?: string) => {
    const r = await d.berth(args, { input });
    assert.equal(r.code, 0, `berth ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("create, ls (table, -q, --format, --filter), inspect (-f), rm", async () => {
    assert.equal(await ok(["volume", "create", "--label", "tier=db", "cv1"]), "cv1\n");
    assert.equal(await ok(["volume", "create", "--name", "cv2", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=2m"]), "cv2\n");
    assert.match(await ok(["volume", "ls"]), /^DRIVER\s+VOLUME NAME\nlocal\s+cv1\nlocal\s+cv2\n$/);
    assert.equal(await ok(["volume", "ls", "-q"]), "cv1\ncv2\n");
    assert.equal(await ok(["volume", "ls", "--format", "{{.Name}} {{.Driver}} {{.Labels}} {{.Scope}}"]), "cv1 local tier=db local\ncv2 local  local\n");
    assert.equal(await ok(["volume", "ls", "-q", "--filter", "label=tier"]), "cv1\n");
    const [v] = JSON.parse(await ok(["volume", "inspect", "cv2"]));
    assert.deepEqual(v.Options, { type: "tmpfs", device: "tmpfs", o: "size=2m" });
    assert.equal(await ok(["volume", "inspect", "-f", "{{.Name}}:{{.Scope}}", "cv1"]), "cv1:local\n");
    assert.equal(await ok(["inspect", "-f", "{{.Driver}} {{.Name}}", "cv1"]), "local cv1\n", "plain inspect finds volumes too");
    const missing = await d.berth(["volume", "inspect", "nope"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, "[]\n");
    assert.match(missing.stderr, /Error response from daemon: get nope: no such volume/);
    const bad = await d.berth(["volume", "create", "../bad"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid characters for a local volume name/);
    assert.equal(await ok(["volume", "rm", "cv1", "cv2"]), "cv1\ncv2\n");
    assert.equal(await ok(["volume", "ls", "-q"]), "");
  });

  test("run -v NAME, -v /anon, --mount, --volumes-from; rm refuses a used volume", async () => {
    await ok(["run", "--name", "writer", "-v", "bdata:/data", "-v", "/scratch", "busybox", "sh", "-c", "echo one > /data/f"]);
    assert.equal(await ok(["run", "--rm", "--volumes-from", "writer:ro", "busybox", "cat", "/data/f"]), "one\n");
    assert.equal(await ok(["run", "--rm", "--mount", "source=bdata,target=/m,readonly", "busybox", "cat", "/m/f"]), "one\n");
    const used = await d.berth(["volume", "rm", "bdata"]);
    assert.equal(used.code, 1);
    assert.match(used.stderr, /volume is in use/);
    assert.equal(await ok(["ps", "-a", "-q", "--filter", "volume=bdata"]).then((s) => s.trim().length), 12);
    assert.equal((await ok(["volume", "ls", "-q"])).split("\n").filter(Boolean).length, 2);
    await ok(["rm", "-v", "writer"]);
    assert.equal(await ok(["volume", "ls", "-q"]), "bdata\n");
  });

  test("prune asks first, -f skips the question, -a includes named volumes", async () => {
    await ok(["volume", "create", "pn"]);
    await ok(["run", "--name", "pa", "-v", "/anon", "busybox", "true"]);
    await ok(["rm", "pa"]);
    const no = await d.berth(["volume", "prune"], { input: "n\n" });
    assert.equal(no.code, 0);
    assert.match(no.stderr, /WARNING! This will remove anonymous local volumes not used by at least one container/);
    assert.equal((await ok(["volume", "ls", "-q"])).split("\n").filter(Boolean).length, 3);
    const anonOnly = await ok(["volume", "prune", "-f"]);
    assert.match(anonOnly, /^Deleted Volumes:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
    assert.equal(await ok(["volume", "ls", "-q"]), "bdata\npn\n");
    const all = await ok(["volume", "prune", "-a"], "y\n");
    assert.match(all, /Deleted Volumes:\n(bdata\npn|pn\nbdata)\n/);
    assert.equal(await ok(["volume", "ls", "-q"]), "");
  });

  test("system prune --volumes removes unused anonymous volumes, keeps named ones", async () => {
    await ok(["volume", "create", "named-stays"]);
    await ok(["run", "--name", "sp", "-v", "/anon", "busybox", "true"]);
    const out = await ok(["system", "prune", "-f", "--volumes"]);
    assert.match(out, /Deleted Containers:\n[0-9a-f]{64}\n/);
    assert.match(out, /Deleted Volumes:\n[0-9a-f]{64}\n/);
    assert.equal(await ok(["volume", "ls", "-q"]), "named-stays\n");
    await ok(["volume", "rm", "named-stays"]);
  });

  test("system df shows the volumes row", async () => {
    await ok(["volume", "create", "dfvol"]);
    assert.match(await ok(["system", "df"]), /Local Volumes\s+1\s+0\s+0B\s+0B/);
    await ok(["volume", "rm", "dfvol"]);
  });
});
