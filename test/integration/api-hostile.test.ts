/**
 * Bad input at the API: malformed and wrongly typed JSON, unknown images,
 * bad references, oversized bodies and headers, bad query values. Each gets a
 * Docker-shaped {"message"} with the right status, and the daemon keeps serving.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { importBusybox, isRoot, startDaemon, type TestDaemon } from "./harness.js";

describe("berthd rejects hostile input", { skip: !isRoot && "needs root" }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon();
    await importBusybox(d);
  });
  after(async () => {
    await d?.stop();
  });

  const cases: Array<[string, string, string, unknown, number, RegExp]> = [
    ["malformed JSON body", "POST", "/containers/create", "{not json", 400, /invalid JSON/],
    ["empty body", "POST", "/containers/create", "", 400, /empty/],
    ["JSON array body", "POST", "/containers/create", "[1,2]", 400, /object/],
    ["missing image", "POST", "/containers/create", { Cmd: ["true"] }, 400, /No image/],
    ["unknown image", "POST", "/containers/create", { Image: "nosuch:1", Cmd: ["true"] }, 404, /No such image: nosuch:1/],
    ["bad reference", "POST", "/containers/create", { Image: "UPPER/Case::x", Cmd: ["true"] }, 400, /invalid reference format/],
    ["Cmd of wrong type", "POST", "/containers/create", { Image: "busybox", Cmd: 42 }, 400, /Cmd/],
    ["Env of wrong type", "POST", "/containers/create", { Image: "busybox", Env: "A=1" }, 400, /Env/],
    ["negative memory", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Memory: -5 } }, 400, /Memory/],
    ["memory as a string", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Memory: "1g" } }, 400, /Memory/],
    ["bad bind", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Binds: ["/a:relative"] } }, 400, /absolute/],
    ["bad mount type", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { Mounts: [{ Type: "weird", Target: "/x" }] } }, 400, /mount type unknown/],
    ["bad container name", "POST", "/containers/create?name=../../etc", { Image: "busybox", Cmd: ["true"] }, 400, /Invalid container name/],
    ["bad restart policy", "POST", "/containers/create", { Image: "busybox", Cmd: ["true"], HostConfig: { RestartPolicy: { Name: "sometimes" } } }, 400, /restart policy/],
    ["no command", "POST", "/containers/create", { Image: "busybox" }, 400, /No command specified/],
    ["bad filters", "GET", "/containers/json?filters=%7Bnope", undefined, 400, /invalid filter/],
    ["unknown filter", "GET", "/containers/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D", undefined, 400, /invalid filter 'bogus'/],
    ["bad wait condition", "POST", "/containers/x/wait?condition=sometime", undefined, 400, /invalid condition/],
    ["bad tail", "GET", "/containers/x/logs?stdout=1&tail=abc", undefined, 404, /No such container/],
    ["bad signal", "POST", "/containers/x/kill?signal=SIGNOPE", undefined, 404, /No such container/],
    ["bad tag reference", "POST", "/images/busybox/tag?repo=Bad%20Repo&tag=x", undefined, 400, /invalid reference format/],
    ["tag of unknown image", "POST", "/images/nosuch/tag?repo=a&tag=b", undefined, 404, /No such image/],
    ["save of unknown image", "GET", "/images/nosuch/get", undefined, 404, /No such image/],
    ["delete of unknown image", "DELETE", "/images/nosuch", undefined, 404, /No such image/],
    ["path traversal in image name", "GET", "/images/..%2F..%2Fetc%2Fpasswd/json", undefined, 400, /invalid reference format|No such image/],
  ];

  for (const [name, method, url, body, status, msg] of cases) {
    test(name, async () => {
      const r = await d.api(method, url, body);
      if (status === 400 && r.status === 404) assert.fail(`expected 400, got 404: ${r.body}`);
      assert.equal(r.status, status, r.body.toString());
      assert.match(r.json().message, msg);
    });
  }

  test("bad values on an existing container are 400s", async () => {
    const id = (await d.api("POST", "/containers/create", { Image: "busybox", Cmd: ["sleep", "30"] })).json().Id;
    assert.equal((await d.api("POST", `/containers/${id}/wait?condition=sometime`)).status, 400);
    assert.equal((await d.api("GET", `/containers/${id}/logs?stdout=1&tail=abc`)).status, 400);
    assert.equal((await d.api("GET", `/containers/${id}/logs`)).status, 400);
    assert.equal((await d.api("POST", `/containers/${id}/start`)).status, 204);
    assert.equal((await d.api("POST", `/containers/${id}/start`)).status, 304);
    assert.equal((await d.api("POST", `/containers/${id}/kill?signal=SIGNOPE`)).status, 400);
    assert.equal((await d.api("POST", `/containers/${id}/rename?name=bad%2Fname`)).status, 400);
    assert.equal((await d.api("DELETE", `/containers/${id}`)).status, 409);
    assert.equal((await d.api("POST", `/containers/${id}/stop?t=0`)).status, 204);
    assert.equal((await d.api("POST", `/containers/${id}/stop`)).status, 304);
    assert.equal((await d.api("DELETE", `/containers/${id}`)).status, 204);
  });

  test("an oversized JSON body is refused", async () => {
    const big = JSON.stringify({ Image: "busybox", Cmd: ["true"], Env: ["X=" + "a".repeat(5 * 1024 * 1024)] });
    const r = await d.api("POST", "/containers/create", big).catch((e) => ({ status: 0, err: e }));
    if (r.status !== 0) {
      assert.equal(r.status, 400);
    }
    assert.equal((await d.api("GET", "/_ping")).status, 200);
  });

  test("huge header values get 431 and the daemon keeps serving", async () => {
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(d.socket);
      let out = "";
      s.on("data", (b) => (out += b));
      s.on("close", () => resolve(out));
      s.on("error", () => resolve(out));
      s.write(`GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`);
    });
    assert.match(reply, /^HTTP\/1.1 431/);
    assert.equal((await d.api("GET", "/_ping")).status, 200);
  });

  test("garbage on the socket does not crash the daemon", async () => {
    await new Promise<void>((resolve) => {
      const s = net.connect(d.socket);
      s.on("error", () => resolve());
      s.on("close", () => resolve());
      s.write(Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10]));
      setTimeout(() => s.destroy(), 300);
    });
    assert.equal((await d.api("GET", "/_ping")).status, 200);
  });

  test("an import body that is not a tar is refused without leaving an image", async () => {
    const r = await d.api("POST", "/images/create?fromSrc=-&repo=junk&tag=1", Buffer.from("definitely not a tarball".repeat(100)), { "Content-Type": "application/x-tar" });
    const failed = r.status >= 400 || /error/.test(r.body.toString());
    assert.ok(failed, r.body.toString());
    assert.equal((await d.api("GET", "/images/junk:1/json")).status, 404);
  });
});
