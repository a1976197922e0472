/**
 * Volumes through the real docker CLI against berthd: data that outlives its
 * container, population from the image, read-only mounts, the in-use rule,
 * rm -v and --rm with anonymous vs named volumes, --volumes-from, --mount
 * forms, tmpfs volume options, cp on a volume path, inspect shapes, prune
 * filters and volume events. The harness fails a test that leaves a mount
 * under the data root.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

describe("docker volume / run -v / --mount against berthd", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  let host: string;
  const ok = async (args: string[]) => {
    const r = await d.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const volumeNames = async () => (await ok(["volume", "ls", "-q"])).split("\n").filter(Boolean);

  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
    host = await fs.mkdtemp(path.join(os.tmpdir(), "berth-vol-"));
  });
  after(async () => {
    if (host) await fs.rm(host, { recursive: true, force: true });
    await d?.stop();
  });

  test("volume create/ls/inspect: Docker's shapes and table", async () => {
    assert.equal(await ok(["volume", "create", "--label", "team=a", "shape"]), "shape\n");
    const [v] = JSON.parse(await ok(["volume", "inspect", "shape"]));
    assert.deepEqual(Object.keys(v).sort(), ["CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"]);
    assert.equal(v.Driver, "local");
    assert.equal(v.Scope, "local");
    assert.deepEqual(v.Labels, { team: "a" });
    assert.equal(v.Options, null);
    assert.equal(v.Mountpoint, path.join(d.dataRoot, "volumes/shape/_data"));
    assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok((await fs.stat(v.Mountpoint)).isDirectory());
    const table = await ok(["volume", "ls", "--filter", "name=shape"]);
    assert.match(table, /^DRIVER\s+VOLUME NAME\nlocal\s+shape\n$/);
    assert.equal(await ok(["volume", "ls", "-q", "--filter", "label=team=a"]), "shape\n");
    assert.equal(await ok(["volume", "ls", "-q", "--filter", "label=team=b"]), "");
    const anon = (await ok(["volume", "create"])).trim();
    assert.match(anon, /^[0-9a-f]{64}$/);
    await ok(["volume", "rm", "shape", anon]);
    assert.equal((await d.docker(["volume", "inspect", "shape"])).code, 1);
  });

  test("data written through a named volume survives the container and is seen by the next", async () => {
    await ok(["run", "--rm", "-v", "keep:/data", "busybox", "sh", "-c", "echo persisted > /data/f"]);
    assert.ok((await volumeNames()).includes("keep"), "the named volume was created on demand");
    assert.equal(await ok(["run", "--rm", "-v", "keep:/in", "busybox", "cat", "/in/f"]), "persisted\n");
    await ok(["volume", "rm", "keep"]);
  });

  test("an empty volume is populated from the image (owners and modes kept); nocopy leaves it empty", async () => {
    await ok(["run", "--rm", "-v", "etcvol:/etc", "busybox", "true"]);
    const data = path.join(d.dataRoot, "volumes/etcvol/_data");
    const img = await ok(["run", "--rm", "busybox", "cat", "/etc/passwd"]);
    assert.equal(await fs.readFile(path.join(data, "passwd"), "utf8"), img);
    // a second run sees the copy; a change made there persists (no re-population of a non-empty volume)
    await ok(["run", "--rm", "-v", "etcvol:/etc", "busybox", "sh", "-c", "echo extra >> /etc/group"]);
    assert.match(await fs.readFile(path.join(data, "group"), "utf8"), /extra\n$/);
    await ok(["run", "--rm", "--mount", "type=volume,src=emptyvol,dst=/etc,volume-nocopy", "busybox", "true"]);
    // only the mount points runc makes for /etc/hosts etc.; nothing from the image
    assert.deepEqual((await fs.readdir(path.join(d.dataRoot, "volumes/emptyvol/_data"))).sort(), ["hostname", "hosts", "resolv.conf"]);
    await ok(["volume", "rm", "etcvol", "emptyvol"]);
  });

  test("an image VOLUME becomes an anonymous volume populated from the image; rm -v removes it", async () => {
    await ok(["run", "--name", "mkimg", "busybox", "sh", "-c", "mkdir -p /srv/app && echo seeded > /srv/app/seed && chown 1000:1000 /srv/app && chmod 750 /srv/app"]);
    await ok(["commit", "--change", "VOLUME /srv/app", "mkimg", "withvol:1"]);
    await ok(["rm", "mkimg"]);
    const before = await volumeNames();
    await ok(["run", "--name", "usevol", "withvol:1", "sh", "-c", "cat /srv/app/seed; stat -c '%u:%g %a' /srv/app"]);
    const logs = await ok(["logs", "usevol"]);
    assert.equal(logs, "seeded\n1000:1000 750\n");
    const mounts = JSON.parse(await ok(["inspect", "-f", "{{json .Mounts}}", "usevol"]));
    assert.equal(mounts.length, 1);
    assert.equal(mounts[0].Type, "volume");
    assert.equal(mounts[0].Destination, "/srv/app");
    assert.match(mounts[0].Name, /^[0-9a-f]{64}$/);
    assert.equal(mounts[0].Mode, "");
    const [vol] = JSON.parse(await ok(["volume", "inspect", mounts[0].Name]));
    assert.deepEqual(vol.Labels, { "com.docker.volume.anonymous": "" });
    assert.equal((await volumeNames()).length, before.length + 1);
    await ok(["rm", "-v", "usevol"]);
    assert.deepEqual(await volumeNames(), before);
    await ok(["rmi", "withvol:1"]);
  });

  test("population keeps owners, modes, symlinks, hardlinks and xattrs (an imported image with a VOLUME)", async () => {
    // the busybox rootfs plus a /vol tree with the odd cases, written by Python's tarfile (pax xattrs)
    const tarPath = path.join(host, "popimg.tar");
    const script = [
      "import tarfile, io, sys",
      "src, dst = sys.argv[1], sys.argv[2]",
      "out = tarfile.open(dst, 'w', format=tarfile.PAX_FORMAT)",
      "with tarfile.open(src) as t:",
      "    for m in t.getmembers(): out.addfile(m, t.extractfile(m) if m.isfile() else None)",
      "def add(name, kind, **kw):",
      "    ti = tarfile.TarInfo(name); ti.type = kind; data = kw.pop('data', None)",
      "    for k, v in kw.items(): setattr(ti, k, v)",
      "    if data is not None: ti.size = len(data)",
      "    out.addfile(ti, io.BytesIO(data) if data is not None else None)",
      "add('vol', tarfile.DIRTYPE, mode=0o750, uid=1000, gid=1000)",
      "add('vol/file', tarfile.REGTYPE, mode=0o640, uid=1001, gid=1002, data=b'payload\\n', pax_headers={'SCHILY.xattr.user.origin': 'image'})",
      "add('vol/link', tarfile.SYMTYPE, linkname='file')",
      "add('vol/abs', tarfile.SYMTYPE, linkname='/etc/passwd')",
      "add('vol/hard', tarfile.LNKTYPE, linkname='vol/file')",
      "add('vol/sub', tarfile.DIRTYPE, mode=0o1777)",
      "out.close()",
    ].join("\n");
    const { busyboxTar, runCmd } = await import("./harness.js");
    const py = await runCmd(["python3", "-c", script, await busyboxTar(), tarPath]);
    assert.equal(py.code, 0, py.stderr);
    await ok(["import", "--change", "VOLUME /vol", "--change", 'CMD ["sh"]', tarPath, "popimg:1"]);
    await ok(["create", "--name", "pop", "popimg:1", "true"]);
    await ok(["start", "pop"]);
    await ok(["wait", "pop"]);
    const [m] = JSON.parse(await ok(["inspect", "-f", "{{json .Mounts}}", "pop"]));
    const data = m.Source as string;
    const st = await fs.lstat(data);
    assert.equal(st.mode & 0o7777, 0o750);
    assert.equal(st.uid, 1000);
    const file = await fs.lstat(path.join(data, "file"));
    assert.deepEqual([file.mode & 0o7777, file.uid, file.gid, file.nlink], [0o640, 1001, 1002, 2]);
    assert.equal((await fs.lstat(path.join(data, "hard"))).ino, file.ino, "the hardlink stays a hardlink");
    assert.equal(await fs.readlink(path.join(data, "link")), "file");
    assert.equal(await fs.readlink(path.join(data, "abs")), "/etc/passwd");
    assert.equal((await fs.lstat(path.join(data, "sub"))).mode & 0o7777, 0o1777);
    const xattr = await runCmd(["python3", "-c", "import os,sys; print(os.getxattr(sys.argv[1], 'user.origin').decode())", path.join(data, "file")]);
    assert.equal(xattr.stdout, "image\n", xattr.stderr);
    await ok(["rm", "-v", "pop"]);
    await ok(["rmi", "popimg:1"]);
  });

  test(":ro refuses writes; a used volume cannot be removed (409), even by a stopped container", async () => {
    await ok(["volume", "create", "rov"]);
    const r = await d.docker(["run", "--rm", "-v", "rov:/data:ro", "busybox", "sh", "-c", "echo x > /data/f"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Read-only file system/);
    await ok(["create", "--name", "holder", "-v", "rov:/data", "busybox", "true"]);
    const id = (await ok(["inspect", "-f", "{{.Id}}", "holder"])).trim();
    const [hm] = JSON.parse(await ok(["inspect", "-f", "{{json .Mounts}}", "holder"]));
    assert.deepEqual(hm, { Type: "volume", Name: "rov", Source: path.join(d.dataRoot, "volumes/rov/_data"), Destination: "/data", Driver: "local", Mode: "z", RW: true, Propagation: "" });
    const rm = await d.docker(["volume", "rm", "rov"]);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, new RegExp(`remove rov: volume is in use - \\[${id}\\]`));
    const api = await d.api("DELETE", "/volumes/rov?force=1");
    assert.equal(api.status, 409);
    assert.equal(api.json<{ message: string }>().message, `remove rov: volume is in use - [${id}]`);
    assert.equal(await ok(["ps", "-a", "--filter", "volume=rov", "--format", "{{.Names}}"]), "holder\n");
    await ok(["rm", "holder"]);
    await ok(["volume", "rm", "rov"]);
  });

  test("--rm and rm -v remove anonymous volumes and keep named ones", async () => {
    const before = await volumeNames();
    await ok(["run", "--rm", "-v", "/anon", "-v", "named1:/named", "busybox", "sh", "-c", "echo a > /anon/x; echo n > /named/x"]);
    assert.deepEqual((await volumeNames()).sort(), [...before, "named1"].sort());
    await ok(["run", "--name", "rmv", "-v", "/anon2", "-v", "named1:/named", "busybox", "true"]);
    assert.equal((await volumeNames()).length, before.length + 2);
    await ok(["rm", "rmv"]); // without -v the anonymous volume stays
    assert.equal((await volumeNames()).length, before.length + 2);
    await ok(["volume", "prune", "-f"]); // API ≥ 1.42: only anonymous volumes
    assert.deepEqual((await volumeNames()).sort(), [...before, "named1"].sort());
    await ok(["run", "--name", "rmv2", "-v", "/anon3", "busybox", "true"]);
    await ok(["rm", "-v", "rmv2"]);
    assert.deepEqual((await volumeNames()).sort(), [...before, "named1"].sort());
    await ok(["volume", "rm", "named1"]);
  });

  test("--volumes-from shares named and anonymous volumes, :ro overrides", async () => {
    await ok(["create", "--name", "src", "-v", "shared:/shared", "-v", "/anonshare", "busybox", "true"]);
    await ok(["run", "--rm", "--volumes-from", "src", "busybox", "sh", "-c", "echo from-second > /shared/f; echo a > /anonshare/f"]);
    assert.equal(await ok(["run", "--rm", "-v", "shared:/x", "busybox", "cat", "/x/f"]), "from-second\n");
    const r = await d.docker(["run", "--rm", "--volumes-from", "src:ro", "busybox", "sh", "-c", "cat /anonshare/f; echo y > /shared/g"]);
    assert.equal(r.stdout, "a\n");
    assert.match(r.stderr, /Read-only file system/);
    // the anonymous volume of src was not removed by the --rm containers that borrowed it
    await ok(["create", "--name", "borrower", "--volumes-from", "src:ro", "busybox", "true"]);
    const borrowed = JSON.parse(await ok(["inspect", "-f", "{{json .Mounts}}", "borrower"])) as Array<{ Name: string; Mode: string; RW: boolean }>;
    assert.equal(borrowed.length, 2);
    for (const b of borrowed) assert.deepEqual([b.Mode, b.RW], ["", false]);
    assert.deepEqual(JSON.parse(await ok(["inspect", "-f", "{{json .HostConfig.VolumesFrom}}", "borrower"])), ["src:ro"]);
    await ok(["rm", "-v", "borrower"]);
    const mounts = JSON.parse(await ok(["inspect", "-f", "{{json .Mounts}}", "src"]));
    const anon = mounts.find((m: { Destination: string }) => m.Destination === "/anonshare").Name;
    assert.ok((await volumeNames()).includes(anon));
    // Docker answers 400 here, so the docker CLI reports it instead of trying to pull the image
    const cli = await d.docker(["run", "--rm", "--volumes-from", "nosuch", "busybox", "true"]);
    assert.equal(cli.code, 125);
    assert.match(cli.stderr, /Error response from daemon: No such container: nosuch/);
    const bad = await d.api("POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { VolumesFrom: ["nosuch"] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json<{ message: string }>().message, "No such container: nosuch");
    const badMode = await d.api("POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { VolumesFrom: ["src:rx"] } });
    assert.equal(badMode.status, 400);
    await ok(["rm", "-v", "src"]);
    assert.ok(!(await volumeNames()).includes(anon));
    await ok(["volume", "rm", "shared"]);
  });

  test("--mount type=volume|bind|tmpfs forms and inspect Mounts shapes", async () => {
    const bindDir = path.join(host, "bind");
    await fs.mkdir(bindDir);
    await fs.writeFile(path.join(bindDir, "hostfile"), "from-host\n");
    await ok([
      "run", "-d", "--name", "mnt",
      "--mount", "type=volume,src=mvol,dst=/v,volume-label=k=v",
      "--mount", `type=bind,src=${bindDir},dst=/b,readonly`,
      "--mount", "type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770",
      "--mount", "type=volume,dst=/anonm",
      "--tmpfs", "/run2:size=2m",
      "busybox", "sleep", "60",
    ]);
    const out = await ok(["exec", "mnt", "sh", "-c", "cat /b/hostfile; grep ' /t ' /proc/mounts; stat -c %a /t; grep ' /run2 ' /proc/mounts; touch /b/x 2>&1 || true"]);
    assert.match(out, /^from-host\n/);
    assert.match(out, /tmpfs \/t tmpfs \S*size=1024k/);
    assert.match(out, /\n1770\n/);
    assert.match(out, /tmpfs \/run2 tmpfs \S*size=2048k/);
    assert.match(out, /Read-only file system/);
    const mounts = JSON.parse(await ok(["inspect", "-f", "{{json .Mounts}}", "mnt"])) as Array<Record<string, unknown>>;
    const byDst = Object.fromEntries(mounts.map((m) => [m["Destination"], m]));
    assert.deepEqual(byDst["/v"], { Type: "volume", Name: "mvol", Source: path.join(d.dataRoot, "volumes/mvol/_data"), Destination: "/v", Driver: "local", Mode: "z", RW: true, Propagation: "" });
    assert.deepEqual(byDst["/b"], { Type: "bind", Source: bindDir, Destination: "/b", Mode: "", RW: false, Propagation: "rprivate" });
    assert.equal(byDst["/run2"], undefined, "--tmpfs mounts are not listed, as in Docker");
    assert.equal(byDst["/anonm"]!["Type"], "volume");
    assert.match(String(byDst["/anonm"]!["Name"]), /^[0-9a-f]{64}$/);
    const [mvol] = JSON.parse(await ok(["volume", "inspect", "mvol"]));
    assert.deepEqual(mvol.Labels, { k: "v" });
    await ok(["rm", "-f", "-v", "mnt"]);
    await ok(["volume", "rm", "mvol"]);
    const bad = await d.docker(["run", "--rm", "--mount", "type=volume,src=../x,dst=/x", "busybox", "true"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid characters for a local volume name/);
  });

  test("tmpfs volume options: mounted on first use, unmounted when the last user stops", async () => {
    await ok(["volume", "create", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=64m,uid=1000", "tmpv"]);
    const data = path.join(d.dataRoot, "volumes/tmpv/_data");
    const mounted = async () => (await fs.readFile("/proc/self/mountinfo", "utf8")).split("\n").some((l) => l.split(" ")[4] === data);
    assert.equal(await mounted(), false);
    await ok(["run", "-d", "--name", "t1", "-v", "tmpv:/t", "busybox", "sleep", "60"]);
    await ok(["run", "-d", "--name", "t2", "-v", "tmpv:/t", "busybox", "sleep", "60"]);
    assert.equal(await mounted(), true);
    const df = await ok(["exec", "t1", "sh", "-c", "echo shared > /t/f; df -k /t | tail -1; stat -c %u /t"]);
    assert.match(df, /^tmpfs\s+65536\s/m);
    assert.match(df, /\n1000\n$/);
    assert.equal(await ok(["exec", "t2", "cat", "/t/f"]), "shared\n");
    await ok(["stop", "-t", "0", "t1"]);
    assert.equal(await mounted(), true, "t2 still uses it");
    await ok(["stop", "-t", "0", "t2"]);
    assert.equal(await mounted(), false, "the last user stopped");
    // a start that fails after the volume was mounted gives the mount back
    const fail = await d.docker(["run", "--name", "t3", "-v", "tmpv:/t", "busybox", "/no/such/binary"]);
    assert.equal(fail.code, 127, fail.stderr);
    assert.equal(await mounted(), false, "a failed start unmounted it");
    await ok(["rm", "t3"]);
    const [v] = JSON.parse(await ok(["volume", "inspect", "tmpv"]));
    assert.deepEqual(v.Options, { type: "tmpfs", device: "tmpfs", o: "size=64m,uid=1000" });
    await ok(["rm", "t1", "t2"]);
    await ok(["volume", "rm", "tmpv"]);
    const bad = await d.docker(["volume", "create", "--opt", "bogus=1", "badopt"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid option: "bogus"/);
  });

  test("bind volume options (o=bind) expose a host directory and never delete it", async () => {
    const dir = path.join(host, "bound");
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, "keep"), "k");
    await ok(["volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", `device=${dir}`, "bindv"]);
    assert.equal(await ok(["run", "--rm", "-v", "bindv:/m", "busybox", "sh", "-c", "cat /m/keep; echo w > /m/new"]), "k");
    assert.equal(await fs.readFile(path.join(dir, "new"), "utf8"), "w\n");
    // cp into a stopped container's bind-option volume reaches the host dir (mounted for the copy, then unmounted)
    await ok(["create", "--name", "bindcp", "-v", "bindv:/m", "busybox", "true"]);
    await fs.writeFile(path.join(host, "tocp"), "via-cp\n");
    await ok(["cp", path.join(host, "tocp"), "bindcp:/m/tocp"]);
    assert.equal(await fs.readFile(path.join(dir, "tocp"), "utf8"), "via-cp\n");
    assert.equal(await ok(["cp", "bindcp:/m/keep", "-"]).then((t) => t.includes("k")), true);
    const data = path.join(d.dataRoot, "volumes/bindv/_data");
    // the daemon gives the mount back right after the response has gone out
    const isMounted = async () => (await fs.readFile("/proc/self/mountinfo", "utf8")).split("\n").some((l) => l.split(" ")[4] === data);
    for (let i = 0; i < 50 && (await isMounted()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await isMounted(), false);
    assert.deepEqual(await fs.readdir(data), [], "nothing was written under the unmounted _data");
    await ok(["rm", "bindcp"]);
    await ok(["volume", "rm", "bindv"]);
    assert.equal(await fs.readFile(path.join(dir, "keep"), "utf8"), "k");
  });

  test("cp into and out of a volume path, running and stopped; :ro refuses cp in", async () => {
    await fs.writeFile(path.join(host, "cpin"), "copied-in\n");
    await ok(["run", "-d", "--name", "cpr", "-v", "cpvol:/data", "-v", "cpvol:/ro:ro", "busybox", "sleep", "60"]);
    await ok(["cp", path.join(host, "cpin"), "cpr:/data/cpin"]);
    assert.equal(await ok(["exec", "cpr", "cat", "/data/cpin"]), "copied-in\n");
    await ok(["exec", "cpr", "sh", "-c", "echo from-inside > /data/out"]);
    await ok(["stop", "-t", "0", "cpr"]);
    await ok(["cp", "cpr:/data/out", path.join(host, "out")]);
    assert.equal(await fs.readFile(path.join(host, "out"), "utf8"), "from-inside\n");
    await ok(["cp", path.join(host, "cpin"), "cpr:/data/again"]);
    assert.equal(await fs.readFile(path.join(d.dataRoot, "volumes/cpvol/_data/again"), "utf8"), "copied-in\n");
    const ro = await d.docker(["cp", path.join(host, "cpin"), "cpr:/ro/x"]);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /mounted volume is marked read-only/);
    // the volume's files are not part of the container's own layer
    assert.doesNotMatch(await ok(["diff", "cpr"]), /cpin|again|out/);
    const exported = path.join(host, "cpr.tar");
    await ok(["export", "-o", exported, "cpr"]);
    const { runCmd } = await import("./harness.js");
    const names = (await runCmd(["tar", "-tf", exported])).stdout;
    assert.match(names, /^data\/$/m, "the mount point itself is in the export");
    assert.doesNotMatch(names, /cpin|again|data\/out/, "the volume's files are not");
    await ok(["rm", "cpr"]);
    await ok(["volume", "rm", "cpvol"]);
  });

  test("prune: label filters, all=true for named volumes, in-use volumes kept", async () => {
    await ok(["volume", "create", "--label", "env=test", "p1"]);
    await ok(["volume", "create", "--label", "env=prod", "p2"]);
    await ok(["volume", "create", "p3"]);
    await ok(["create", "--name", "pin", "-v", "p3:/x", "busybox", "true"]);
    assert.equal(await ok(["volume", "prune", "-f", "--filter", "label=env=test"]), "Total reclaimed space: 0B\n", "named volumes need --all");
    const out = await ok(["volume", "prune", "-f", "-a", "--filter", "label=env=test"]);
    assert.match(out, /^Deleted Volumes:\np1\n\nTotal reclaimed space: /);
    const out2 = await ok(["volume", "prune", "-f", "-a", "--filter", "label!=env=prod"]);
    assert.doesNotMatch(out2, /p2|p3/);
    assert.deepEqual((await volumeNames()).filter((n) => n.startsWith("p")).sort(), ["p2", "p3"]);
    assert.equal(await ok(["volume", "ls", "-q", "--filter", "dangling=true", "--filter", "name=p"]), "p2\n");
    assert.equal(await ok(["volume", "ls", "-q", "--filter", "dangling=false"]), "p3\n");
    await ok(["rm", "pin"]);
    await ok(["volume", "prune", "-f", "--all"]);
    assert.deepEqual(await volumeNames(), []);
  });

  test("system df counts volumes; volume events have Docker's shapes", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await ok(["run", "--name", "dfc", "-v", "dfv:/d", "busybox", "sh", "-c", "head -c 5000 /dev/zero > /d/z"]);
    const df = JSON.parse((await ok(["system", "df", "--format", "{{json .}}"])).split("\n").find((l) => l.includes("Local Volumes"))!);
    assert.equal(df.TotalCount, "1");
    assert.equal(df.Active, "1");
    const verbose = await ok(["system", "df", "-v"]);
    assert.match(verbose, /dfv\s+1\s+5kB/);
    await ok(["rm", "dfc"]);
    await ok(["volume", "rm", "dfv"]);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const ev = await ok(["events", "--since", String(since), "--until", until, "--filter", "type=volume", "--filter", "volume=dfv", "--format", "{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.driver}} {{index .Actor.Attributes \"destination\"}}"]);
    assert.deepEqual(ev.trim().split("\n").map((l) => l.trim()), ["create dfv local", "mount dfv local /d", "unmount dfv local", "destroy dfv local"]);
  });
});
