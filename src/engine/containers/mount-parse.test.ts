import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import { parseApiMount, parseBind, parseTmpfsMap, type ApiMount } from "./mount-parse.js";

describe("parseBind", () => {
  test('"/a:/b" is a read-write rprivate bind', () => {
    assert.deepEqual(parseBind("/a:/b"), { type: "bind", source: "/a", destination: "/b", readOnly: false, fromBinds: true, propagation: "rprivate", mode: "" });
  });
  test('"/a:/b:ro" is read-only', () => {
    assert.equal(parseBind("/a:/b:ro").readOnly, true);
    assert.equal(parseBind("/a:/b:rw").readOnly, false);
  });
  test('"/a:/b:ro,rshared" sets both', () => {
    const m = parseBind("/a:/b:ro,rshared");
    assert.equal(m.readOnly, true);
    assert.equal(m.propagation, "rshared");
  });
  test("SELinux labels and nocopy are accepted and ignored", () => {
    assert.equal(parseBind("/a:/b:z").readOnly, false);
    assert.equal(parseBind("/a:/b:Z,ro").readOnly, true);
  });
  test("paths are normalised", () => {
    const m = parseBind("/a/./x/:/b/../c");
    assert.equal(m.source, "/a/x/");
    assert.equal(m.destination, "/c");
  });
  test('"vol:/b:ro,nocopy" names a volume', () => {
    assert.deepEqual(parseBind("vol:/b:ro,nocopy"), { type: "volume", source: "", name: "vol", destination: "/b", readOnly: true, fromBinds: true, mode: "ro,nocopy", noCopy: true });
  });
  for (const bad of ["../x:/b", "a/b:/b", "x:/b", ".x:/b", `${"a".repeat(256)}:/b`]) {
    test(`volume name ${JSON.stringify(bad.slice(0, 20))} is refused`, () => {
      assert.throws(() => parseBind(bad), (e: unknown) => e instanceof InvalidArgumentError && /invalid characters for a local volume name/.test(e.message));
    });
  }
  test("a volume cannot use bind propagation, nothing can mount on /", () => {
    assert.throws(() => parseBind("vol:/b:rshared"), InvalidArgumentError);
    assert.throws(() => parseBind("vol:/"), InvalidArgumentError);
  });
  test("a bad mode is a 400 naming it", () => {
    assert.throws(() => parseBind("/a:/b:rx"), (e: unknown) => e instanceof InvalidArgumentError && /invalid mode: rx/.test(e.message));
  });
  for (const bad of ["/a", "/a:", ":/b", "/a:/b:ro:x", "/a:rel"]) {
    test(`${JSON.stringify(bad)} is an invalid specification`, () => {
      assert.throws(() => parseBind(bad), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(`'${bad}'`));
    });
  }
});

describe("parseApiMount", () => {
  test("a bind with options", () => {
    assert.deepEqual(parseApiMount({ Type: "bind", Source: "/src", Target: "/dst", ReadOnly: true, BindOptions: { Propagation: "rslave" } }), {
      type: "bind",
      source: "/src",
      destination: "/dst",
      readOnly: true,
      propagation: "rslave",
    });
  });
  test("a bind defaults to rprivate and read-write", () => {
    const m = parseApiMount({ Type: "bind", Source: "/src", Target: "/dst" });
    assert.equal(m.propagation, "rprivate");
    assert.equal(m.readOnly, false);
  });
  test("a tmpfs with size and mode", () => {
    assert.deepEqual(parseApiMount({ Type: "tmpfs", Target: "/run", TmpfsOptions: { SizeBytes: 65536, Mode: 0o700 } }), {
      type: "tmpfs",
      source: "",
      destination: "/run",
      readOnly: false,
      tmpfsSizeBytes: 65536,
      tmpfsMode: 0o700,
    });
  });
  const bad: Array<[string, ApiMount, RegExp]> = [
    ["no Target", { Type: "bind", Source: "/a" }, /Target must not be empty/],
    ["relative Target", { Type: "bind", Source: "/a", Target: "b" }, /mount path must be absolute/],
    ["bind without Source", { Type: "bind", Target: "/b" }, /Source must not be empty/],
    ["relative bind Source", { Type: "bind", Source: "a", Target: "/b" }, /mount path must be absolute/],
    ["bad propagation", { Type: "bind", Source: "/a", Target: "/b", BindOptions: { Propagation: "sideways" } }, /invalid propagation mode: sideways/],
    ["tmpfs with a Source", { Type: "tmpfs", Source: "/a", Target: "/b" }, /Source must not be specified/],
    ["negative tmpfs size", { Type: "tmpfs", Target: "/b", TmpfsOptions: { SizeBytes: -1 } }, /invalid size/],
    ["unknown type", { Type: "weird", Target: "/b" }, /mount type unknown: "weird"/],
  ];
  for (const [name, m, re] of bad) {
    test(`${name} is a 400`, () => assert.throws(() => parseApiMount(m), (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message)));
  }
  test("volume mounts: named, anonymous, options", () => {
    assert.deepEqual(parseApiMount({ Type: "volume", Source: "v1", Target: "/b", ReadOnly: true, VolumeOptions: { NoCopy: true, Labels: { a: "b" }, DriverConfig: { Name: "local", Options: { type: "tmpfs", device: "tmpfs" } } } }), {
      type: "volume", source: "", name: "v1", anonymous: false, destination: "/b", readOnly: true, mode: "z", noCopy: true, volumeOptions: { type: "tmpfs", device: "tmpfs" }, volumeLabels: { a: "b" },
    });
    assert.equal(parseApiMount({ Type: "volume", Target: "/b" }).anonymous, true);
  });
  for (const [name, m] of [
    ["a hostile volume name", { Type: "volume", Source: "../../etc", Target: "/b" }],
    ["another driver", { Type: "volume", Source: "v", Target: "/b", VolumeOptions: { DriverConfig: { Name: "nfs-plugin" } } }],
    ["non-string options", { Type: "volume", Source: "v", Target: "/b", VolumeOptions: { DriverConfig: { Options: { o: 1 } } } }],
    ["BindOptions on a volume", { Type: "volume", Source: "v", Target: "/b", BindOptions: {} }],
    ["a volume on /", { Type: "volume", Target: "/" }],
    ["a numeric Target", { Type: "volume", Target: 5 }],
  ] as Array<[string, unknown]>) {
    test(`${name} is a 400`, () => assert.throws(() => parseApiMount(m as ApiMount), InvalidArgumentError));
  }
  test("a non-object is a 400", () => {
    assert.throws(() => parseApiMount(null as unknown as ApiMount), InvalidArgumentError);
  });
});

describe("parseTmpfsMap", () => {
  const size = (opts: string) => parseTmpfsMap({ "/t": opts })[0]!.tmpfsSizeBytes;
  test("sizes with and without units", () => {
    assert.equal(size("size=100"), 100);
    assert.equal(size("size=64k"), 64 * 1024);
    assert.equal(size("rw,size=64m"), 64 * 1024 * 1024);
    assert.equal(size("size=1G"), 1024 ** 3);
    assert.equal(size(""), undefined);
  });
  test("ro and mode", () => {
    const [m] = parseTmpfsMap({ "/run": "ro,mode=1770" });
    assert.equal(m!.readOnly, true);
    assert.equal(m!.tmpfsMode, 0o1770);
    assert.equal(m!.type, "tmpfs");
    assert.equal(m!.destination, "/run");
  });
  test("one mount per entry", () => {
    assert.deepEqual(parseTmpfsMap({ "/a": "", "/b": "" }).map((m) => m.destination), ["/a", "/b"]);
  });
  test("a relative destination is a 400", () => {
    assert.throws(() => parseTmpfsMap({ run: "" }), InvalidArgumentError);
  });
});
