/**
 * Health checks with the docker CLI against berthd: --health-* flags turn a
 * container unhealthy and then healthy as the check says, inspect shows
 * State.Health, ps shows "(healthy)", the health filter and health_status
 * events work, and the berth.health.restart=true label makes the daemon
 * restart an unhealthy container.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { DOCKER, importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("health checks with the docker CLI", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  const health = async (name: string) => JSON.parse((await d.docker(["inspect", name])).stdout)[0].State.Health;

  test("unhealthy after Retries failures, healthy once the check passes; ps, inspect, filter, events", async () => {
    const events = spawn(DOCKER, ["events", "--filter", "event=health_status"], { env: { ...process.env, ...d.env } });
    let evOut = "";
    events.stdout.on("data", (b) => (evOut += b));
    try {
      const r = await d.docker(["run", "-d", "--name", "hc", "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms", "--health-retries", "2", "busybox", "sleep", "300"]);
      assert.equal(r.code, 0, r.stderr);
      const cfg = JSON.parse((await d.docker(["inspect", "hc"])).stdout)[0].Config.Healthcheck;
      assert.deepEqual(cfg, { Test: ["CMD-SHELL", "test -f /tmp/ok"], Interval: 200_000_000, Retries: 2 });
      assert.equal((await health("hc")).Status, "starting");
      const bad = await until("unhealthy", async () => {
        const h = await health("hc");
        return h.Status === "unhealthy" ? h : undefined;
      });
      assert.ok(bad.FailingStreak >= 2);
      assert.ok(bad.Log.length >= 2 && bad.Log.length <= 5);
      assert.equal(bad.Log.at(-1).ExitCode, 1);
      assert.match((await d.docker(["ps", "--format", "{{.Status}}", "--filter", "name=hc"])).stdout, /^Up .* \(unhealthy\)\n$/);
      assert.equal((await d.docker(["ps", "-q", "--filter", "health=unhealthy"])).stdout.trim().length, 12);
      assert.equal((await d.docker(["exec", "hc", "touch", "/tmp/ok"])).code, 0);
      await until("healthy", async () => ((await health("hc")).Status === "healthy" ? true : undefined));
      const h = await health("hc");
      assert.equal(h.FailingStreak, 0);
      assert.equal(h.Log.at(-1).ExitCode, 0);
      assert.ok(h.Log.length <= 5);
      assert.match((await d.docker(["ps", "--format", "{{.Status}}", "--filter", "name=hc"])).stdout, /^Up .* \(healthy\)\n$/);
      assert.equal((await d.docker(["ps", "-q", "--filter", "health=healthy"])).stdout.trim().length, 12);
      assert.equal((await d.docker(["ps", "-q", "--filter", "health=unhealthy"])).stdout.trim(), "");
      assert.notEqual((await d.docker(["ps", "--filter", "health=bogus"])).code, 0);
      await until("events", async () => (/health_status: healthy/.test(evOut) ? true : undefined), 3000);
      assert.match(evOut, /health_status: unhealthy[\s\S]*health_status: healthy/);
    } finally {
      events.kill();
    }
    // a stopped container keeps its last health record but no longer runs checks
    await d.docker(["stop", "-t", "0", "hc"]);
    assert.equal((await d.docker(["ps", "-q", "--filter", "health=healthy"])).stdout.trim(), "");
  });

  test("timeouts count as failures; --no-healthcheck and containers without checks show no Health", async () => {
    const r = await d.docker(["run", "-d", "--name", "slow", "--health-cmd", "sleep 5", "--health-interval", "100ms", "--health-timeout", "300ms", "--health-retries", "1", "busybox", "sleep", "300"]);
    assert.equal(r.code, 0, r.stderr);
    const h = await until("unhealthy", async () => {
      const x = await health("slow");
      return x.Status === "unhealthy" ? x : undefined;
    });
    assert.equal(h.Log[0].ExitCode, -1);
    assert.match(h.Log[0].Output, /exceeded timeout \(300ms\)/);
    await d.docker(["rm", "-f", "slow"]);
    await d.docker(["run", "-d", "--name", "plain", "busybox", "sleep", "300"]);
    assert.equal(await health("plain"), undefined);
    assert.equal((await d.docker(["ps", "-q", "--filter", "health=none", "--filter", "name=plain"])).stdout.trim().length, 12);
    await d.docker(["rm", "-f", "plain"]);
    assert.equal((await d.api("POST", "/containers/create", { Image: "busybox", Cmd: ["true"], Healthcheck: { Test: ["CMD", "true"], Interval: 5 } })).status, 400);
    assert.equal((await d.api("POST", "/containers/create", { Image: "busybox", Cmd: ["true"], Healthcheck: { Test: ["BOGUS"] } })).status, 400);
  });

  test("berth.health.restart=true: the daemon restarts an unhealthy container", async () => {
    const r = await d.docker(["run", "-d", "--name", "heal", "--label", "berth.health.restart=true", "--stop-timeout", "1", "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms", "--health-retries", "2", "busybox", "sleep", "300"]);
    assert.equal(r.code, 0, r.stderr);
    const first = JSON.parse((await d.docker(["inspect", "heal"])).stdout)[0].State.StartedAt;
    await until("a restart", async () => {
      const st = JSON.parse((await d.docker(["inspect", "heal"])).stdout)[0].State;
      return st.Running && st.StartedAt !== first ? true : undefined;
    }, 20_000);
    // after the restart it is monitored again and can turn healthy
    await d.docker(["exec", "heal", "touch", "/tmp/ok"]);
    await until("healthy after restart", async () => ((await health("heal")).Status === "healthy" ? true : undefined));
    await d.docker(["rm", "-f", "heal"]);
  });
});
