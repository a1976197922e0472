import { test } from "node:test";
import assert from "node:assert/strict";
import { etcFilePaths } from "./etc-files.js";

test("etcFilePaths live in the container's directory", () => {
  assert.deepEqual(etcFilePaths("/var/lib/berth/containers/x"), {
    hostnamePath: "/var/lib/berth/containers/x/hostname",
    hostsPath: "/var/lib/berth/containers/x/hosts",
    resolvConfPath: "/var/lib/berth/containers/x/resolv.conf",
  });
});
