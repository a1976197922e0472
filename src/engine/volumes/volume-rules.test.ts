import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../../errors/index.js";
import type { VolumeRecord } from "../../store/volumes/volume-store.js";
import type { ContainerRecord, MountSpec } from "../containers/types.js";
import { mountedPath } from "../containers/archive/mounted-path.js";
import { sortMounts } from "./container-mounts.js";
import { localMountOptions, mountArgv, validateLocalOptions } from "./local-driver-options.js";
import { matchesList, matchesPrune, parsePruneFilters, validateListFilters } from "./volume-filters.js";
import { newAnonymousName, validateVolumeName } from "./volume-name.js";

const vol = (name: string, labels: Record<string, string> = {}): VolumeRecord => ({ version: 1, name, driver: "local", labels, options: {}, createdAt: "2026-01-01T00:00:00.000Z" });

describe("volume names", () => {
  for (const ok of ["ab", "v1", "my_vol.2-x", "A".repeat(255), newAnonymousName()]) test(`${ok.slice(0, 20)} is valid`, () => validateVolumeName(ok));
  for (const bad of ["", "a", "../x", "a/b", "-x", ".x", "x y", "a\0b", "é1", "A".repeat(256)]) {
    test(`${JSON.stringify(bad.slice(0, 20))} is refused with Docker's message`, () => {
      assert.throws(() => validateVolumeName(bad), (e: unknown) => e instanceof InvalidArgumentError && /includes invalid characters for a local volume name/.test(e.message));
    });
  }
  test("anonymous names are 64 hex", () => assert.match(newAnonymousName(), /^[0-9a-f]{64}$/));
});

describe("local driver options", () => {
  test("tmpfs and bind forms are accepted", () => {
    validateLocalOptions({ type: "tmpfs", device: "tmpfs", o: "size=64m" });
    validateLocalOptions({ type: "none", o: "bind", device: "/srv" });
    validateLocalOptions({});
  });
  for (const [name, o, re] of [
    ["an unknown key", { size: "1" }, /invalid option: "size"/],
    ["type without device", { type: "tmpfs" }, /missing required option: "device"/],
    ["o alone", { o: "size=1m" }, /missing required option: "type"/],
    ["a newline", { type: "tmpfs", device: "tmpfs\nx" }, /invalid option value/],
  ] as Array<[string, Record<string, string>, RegExp]>) {
    test(`${name} is a 400`, () => assert.throws(() => validateLocalOptions(o), (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message)));
  }
  test("mount argv: -t for a filesystem, none for a bind; -- before the device", () => {
    assert.deepEqual(mountArgv(localMountOptions({ type: "tmpfs", device: "tmpfs", o: "size=1m" })!, "/d"), ["mount", "-t", "tmpfs", "-o", "size=1m", "--", "tmpfs", "/d"]);
    assert.deepEqual(mountArgv(localMountOptions({ type: "none", device: "/srv", o: "bind" })!, "/d"), ["mount", "-o", "bind", "--", "/srv", "/d"]);
    assert.equal(localMountOptions({}), undefined);
  });
});

describe("volume filters", () => {
  test("list: dangling, name, label, driver", () => {
    validateListFilters({ dangling: ["true"], name: ["x"], label: ["a"], driver: ["local"] });
    assert.throws(() => validateListFilters({ bogus: ["1"] }), /invalid filter 'bogus'/);
    assert.throws(() => validateListFilters({ dangling: ["maybe"] }), /invalid filter 'dangling=maybe'/);
    const v = vol("data1", { env: "prod", flag: "" });
    assert.equal(matchesList(v, { dangling: ["true"] }, false), true);
    assert.equal(matchesList(v, { dangling: ["1"] }, true), false);
    assert.equal(matchesList(v, { dangling: ["false"] }, true), true);
    assert.equal(matchesList(v, { name: ["data"] }, false), true);
    assert.equal(matchesList(v, { name: ["^x"] }, false), false);
    assert.equal(matchesList(v, { label: ["env=prod", "flag"] }, false), true);
    assert.equal(matchesList(v, { label: ["env=dev"] }, false), false);
    assert.equal(matchesList(v, { driver: ["nfs"] }, false), false);
  });
  test("prune: label, label!, all", () => {
    assert.deepEqual(parsePruneFilters({}), { all: false });
    assert.deepEqual(parsePruneFilters({ all: ["true"] }), { all: true });
    assert.throws(() => parsePruneFilters({ dangling: ["true"] }), /invalid filter 'dangling'/);
    assert.throws(() => parsePruneFilters({ all: ["x"] }), /invalid filter 'all=x'/);
    const v = vol("v", { env: "prod" });
    assert.equal(matchesPrune(v, { label: ["env"] }), true);
    assert.equal(matchesPrune(v, { "label!": ["env=prod"] }), false);
    assert.equal(matchesPrune(v, { "label!": ["env=dev"] }), true);
  });
});

describe("container mount helpers", () => {
  const m = (destination: string, extra: Partial<MountSpec> = {}): MountSpec => ({ type: "volume", source: `/vols${destination}`, destination, readOnly: false, name: "n", ...extra });
  test("parents mount before children, otherwise in the given order", () => {
    assert.deepEqual(sortMounts([m("/a/b/c"), m("/z"), m("/a"), m("/y")]).map((x) => x.destination), ["/z", "/a", "/y", "/a/b/c"]);
  });
  test("a cp path is mapped onto the deepest mount it lies on", () => {
    const rec = { mountPoints: [m("/data"), m("/data/sub", { readOnly: true }), { type: "tmpfs", source: "", destination: "/t", readOnly: false }] } as unknown as ContainerRecord;
    assert.deepEqual(mountedPath(rec, "/data/f"), { root: "/vols/data", rest: "/f", readOnly: false, volume: "n" });
    assert.deepEqual(mountedPath(rec, "data"), { root: "/vols/data", rest: "/", readOnly: false, volume: "n" });
    assert.deepEqual(mountedPath(rec, "/data/sub/."), { root: "/vols/data/sub", rest: "/.", readOnly: true, volume: "n" });
    assert.equal(mountedPath(rec, "/database"), undefined);
    assert.equal(mountedPath(rec, "/t/x"), undefined);
    assert.equal(mountedPath(rec, "/etc"), undefined);
  });
});
