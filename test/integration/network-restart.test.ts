/**
 * Containers outlive berthd with their network: after a berthd restart
 * (SIGTERM, then kill -9) a running container keeps its address, its
 * published port keeps answering (also while berthd is down), names still
 * resolve on its user network, and removing it afterwards cleans up all of
 * it (the harness checks for leftover devices, rules and mounts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";
import { hostAddress, httpGet } from "./network-helpers.js";

describe("networks across berthd restarts", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  test("addresses, published ports and names survive SIGTERM and kill -9 of berthd", async () => {
    assert.equal((await d.docker(["network", "create", "keep"])).code, 0);
    const run = await d.docker(["run", "-d", "--name", "kept", "--network", "keep", "-p", "80", "busybox", "sh", "-c", "mkdir -p /www && echo still here > /www/index.html && exec httpd -f -p 80 -h /www"]);
    assert.equal(run.code, 0, run.stderr);
    const ip = (await d.docker(["inspect", "-f", "{{.NetworkSettings.Networks.keep.IPAddress}}", "kept"])).stdout.trim();
    const port = Number((await d.docker(["port", "kept", "80"])).stdout.trim().split(":").at(-1));
    assert.ok(port > 0);
    await new Promise((r) => setTimeout(r, 300));
    assert.match((await httpGet("127.0.0.1", port)).body, /still here/);

    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      await d.stopDaemon(signal);
      assert.match((await httpGet(hostAddress(), port)).body, /still here/, `port answers while berthd is down (${signal})`);
      await d.start();
      assert.equal((await d.docker(["inspect", "-f", "{{.NetworkSettings.Networks.keep.IPAddress}}", "kept"])).stdout.trim(), ip);
      assert.equal((await d.docker(["port", "kept", "80"])).stdout.trim(), `0.0.0.0:${port}`);
      assert.match((await httpGet("127.0.0.1", port)).body, /still here/);
      const peer = await d.docker(["run", "--rm", "--network", "keep", "busybox", "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 kept 80"]);
      assert.match(peer.stdout, /still here/, peer.stderr);
      // the new container got another address than the kept one
      const other = await d.docker(["run", "--rm", "--network", "keep", "busybox", "sh", "-c", "ip -4 addr show eth0"]);
      assert.ok(!other.stdout.includes(`${ip}/`), other.stdout);
    }
    // a container restart gets a new namespace while the old one is torn down; the port follows
    const restarted = await d.docker(["restart", "-t", "1", "kept"]);
    assert.equal(restarted.code, 0, restarted.stderr);
    const newPort = (await d.docker(["port", "kept", "80"])).stdout.trim();
    const why = (await d.docker(["inspect", "-f", "{{json .State}} {{json .NetworkSettings.Ports}}", "kept"])).stdout;
    assert.match(newPort, /^0\.0\.0\.0:\d+$/, `port after restart: "${newPort}" ${why}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.match((await httpGet("127.0.0.1", Number(newPort.split(":").at(-1)))).body, /still here/);
    assert.equal((await d.docker(["rm", "-f", "kept"])).code, 0);
    await assert.rejects(httpGet("127.0.0.1", port));
    assert.equal((await d.docker(["network", "rm", "keep"])).code, 0);
  });
});
