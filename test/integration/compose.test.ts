/**
 * docker-compose interop: Debian's docker-compose 1.29 (Python, docker-py,
 * API version negotiation, label filters, attach with logs, labelled
 * networks and volumes) drives a private berthd through DOCKER_HOST.
 *
 * The project: `web` serves a page with busybox httpd on a published random
 * port and writes it into a named volume; `client` depends on web, reads the
 * volume and reaches web by its service name over the project's default
 * network. `down -v` must leave no container, network or volume behind.
 */
import assert from "node:assert/strict";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, runCmd, startDaemon, type CmdResult, type TestDaemon } from "./harness.js";
import { httpGet } from "./network-helpers.js";

const COMPOSE = "/usr/bin/docker-compose";

const PROJECT_YAML = `version: "3.7"
services:
  web:
    image: busybox:latest
    environment:
      GREETING: from-compose
    command: ["sh", "-c", "mkdir -p /www && echo \\"hello $$GREETING\\" > /www/index.html && cp /www/index.html /data/page.html && echo web-started && exec httpd -f -p 80 -h /www"]
    volumes:
      - pages:/data
    ports:
      - "80"
    # httpd and sleep as PID 1 ignore SIGTERM: do not wait 10 s for them at down
    stop_grace_period: 1s
  client:
    image: busybox:latest
    depends_on:
      - web
    command: ["sh", "-c", "echo client-started; exec sleep 1000"]
    stop_grace_period: 1s
    sysctls:
      net.core.somaxconn: 1024
    volumes:
      - pages:/data
volumes:
  pages:
`;

/** busybox: HTTP/1.0 with nc (Debian's static busybox wget resolves through glibc). */
const ncGet = (host: string) => `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} 80`;

describe("docker-compose against berthd", { skip: (!isRoot && "needs root") || (!existsSync(COMPOSE) && "docker-compose is not installed (scripts/setup.sh)") }, () => {
  let d: TestDaemon;
  let dir: string;
  const project = `cmp${process.pid}`;

  const compose = (args: string[], timeoutMs = 90_000): Promise<CmdResult> =>
    runCmd([COMPOSE, "--ansi", "never", ...args], { env: { ...process.env, ...d.env, COMPOSE_PROJECT_NAME: project, COMPOSE_FILE: path.join(dir, "docker-compose.yml") }, timeoutMs });

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "berth-compose-"));
    await fs.writeFile(path.join(dir, "docker-compose.yml"), PROJECT_YAML);
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    // also when a test failed half way: the project goes first, then the daemon checks for leaks
    if (d) await compose(["down", "-v", "--remove-orphans"]).catch(() => {});
    await d?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test("up -d, ps, logs, exec -T, published port, named volume, service names, down -v", async () => {
    const up = await compose(["up", "-d"]);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    // depends_on: web is created (and started) before client
    const order = up.stderr + up.stdout;
    assert.ok(order.indexOf(`${project}_web_1`) < order.indexOf(`${project}_client_1`), order);

    const ps = await compose(["ps"]);
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(ps.stdout, new RegExp(`${project}_web_1\\s.*\\sUp\\s+0\\.0\\.0\\.0:\\d+->80/tcp`));
    assert.match(ps.stdout, new RegExp(`${project}_client_1\\s.*\\sUp`));

    // the published port, found with `port`, fetched from the host
    const port = await compose(["port", "web", "80"]);
    assert.equal(port.code, 0, port.stderr);
    const hostPort = Number(/:(\d+)\s*$/.exec(port.stdout.trim())?.[1]);
    assert.ok(hostPort > 0, port.stdout);
    let page = { status: 0, body: "" };
    for (let i = 0; i < 50 && page.status !== 200; i++) {
      page = await httpGet("127.0.0.1", hostPort).catch(() => page);
      if (page.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(page.status, 200);
    assert.equal(page.body, "hello from-compose\n");

    // client reaches web by its service name on the project's network, and sees the shared volume
    const viaName = await compose(["exec", "-T", "client", "sh", "-c", ncGet("web")]);
    assert.equal(viaName.code, 0, viaName.stderr);
    assert.match(viaName.stdout, /hello from-compose/);
    const fromVolume = await compose(["exec", "-T", "client", "cat", "/data/page.html"]);
    assert.equal(fromVolume.code, 0, fromVolume.stderr);
    assert.equal(fromVolume.stdout, "hello from-compose\n");
    const sysctl = await compose(["exec", "-T", "client", "cat", "/proc/sys/net/core/somaxconn"]);
    assert.equal(sysctl.stdout.trim(), "1024", sysctl.stderr);
    const env = await compose(["exec", "-T", "web", "sh", "-c", "echo $GREETING"]);
    assert.equal(env.stdout.trim(), "from-compose", env.stderr);

    const logs = await compose(["logs"]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /web_1\s+\| web-started/);
    assert.match(logs.stdout, /client_1\s+\| client-started/);

    // a second up finds the project as it left it (label filters and config hashes agree)
    const again = await compose(["up", "-d"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr + again.stdout, /web_1 is up-to-date/);

    // what compose made carries its labels
    const net = await d.docker(["network", "inspect", "-f", '{{index .Labels "com.docker.compose.project"}}', `${project}_default`]);
    assert.equal(net.stdout.trim(), project, net.stderr);
    const vol = await d.docker(["volume", "inspect", "-f", '{{index .Labels "com.docker.compose.volume"}}', `${project}_pages`]);
    assert.equal(vol.stdout.trim(), "pages", vol.stderr);

    const down = await compose(["down", "-v"]);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.equal((await d.docker(["ps", "-aq"])).stdout.trim(), "");
    assert.doesNotMatch((await d.docker(["network", "ls", "--format", "{{.Name}}"])).stdout, new RegExp(project));
    assert.doesNotMatch((await d.docker(["volume", "ls", "--format", "{{.Name}}"])).stdout, new RegExp(project));
  });

  test("up attached streams every service's output and --exit-code-from returns the exit code", async () => {
    const yaml = path.join(dir, "exit.yml");
    await fs.writeFile(yaml, `version: "3.7"\nservices:\n  job:\n    image: busybox:latest\n    command: ["sh", "-c", "echo job-out; echo job-err >&2; sleep 1; exit 3"]\n`);
    const env = { ...process.env, ...d.env, COMPOSE_PROJECT_NAME: `${project}x`, COMPOSE_FILE: yaml };
    try {
      const up = await runCmd([COMPOSE, "--ansi", "never", "up", "--exit-code-from", "job"], { env, timeoutMs: 90_000 });
      assert.equal(up.code, 3, up.stdout + up.stderr);
      assert.match(up.stdout, /job_1\s+\| job-out/);
      assert.match(up.stdout, /job_1\s+\| job-err/);
    } finally {
      const down = await runCmd([COMPOSE, "--ansi", "never", "down", "-v"], { env, timeoutMs: 90_000 });
      assert.equal(down.code, 0, down.stderr);
    }
  });
  test("network_mode service:X shares its network, hostname and /etc files; an external network is used and kept", async () => {
    const yaml = path.join(dir, "shared.yml");
    const keep = "trap 'exit 0' TERM; sleep 1000 & wait";
    await fs.writeFile(
      yaml,
      `version: "3.7"\nservices:\n  main:\n    image: busybox:latest\n    hostname: mainhost\n    networks: [outside]\n    command: ["sh", "-c", "${keep}"]\n` +
        `  side:\n    image: busybox:latest\n    network_mode: "service:main"\n    command: ["sh", "-c", "${keep}"]\n` +
        `networks:\n  outside:\n    external: true\n    name: ${project}-ext\n`,
    );
    assert.equal((await d.docker(["network", "create", `${project}-ext`])).code, 0);
    const env = { ...process.env, ...d.env, COMPOSE_PROJECT_NAME: `${project}s`, COMPOSE_FILE: yaml };
    const run = (args: string[]) => runCmd([COMPOSE, "--ansi", "never", ...args], { env, timeoutMs: 90_000 });
    try {
      const up = await run(["up", "-d"]);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const show = "hostname; ip -4 -o addr show scope global | awk '{print $4}'; cat /etc/hosts /etc/resolv.conf";
      const side = await run(["exec", "-T", "side", "sh", "-c", show]);
      const main = await run(["exec", "-T", "main", "sh", "-c", show]);
      assert.equal(side.code, 0, side.stderr);
      assert.match(side.stdout, /^mainhost\n/);
      assert.equal(side.stdout, main.stdout);
    } finally {
      const down = await run(["down", "-v"]);
      assert.equal(down.code, 0, down.stderr);
    }
    // external: compose leaves it alone
    assert.equal((await d.docker(["network", "rm", `${project}-ext`])).code, 0);
  });
});
