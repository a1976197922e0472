import { test, describe } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  AlreadyExistsError,
  ConflictError,
  ExecError,
  FailedPreconditionError,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  UnauthorizedError,
  UnavailableError,
} from "../errors/index.js";
import { sendError, statusFor } from "./errors.js";

describe("statusFor", () => {
  const table: Array<[string, unknown, number]> = [
    ["NotFoundError", new NotFoundError("No such container: x"), 404],
    ["AlreadyExistsError", new AlreadyExistsError("exists"), 409],
    ["ConflictError", new ConflictError("in use"), 409],
    ["FailedPreconditionError", new FailedPreconditionError("not running"), 409],
    ["InvalidArgumentError", new InvalidArgumentError("bad"), 400],
    ["NotModifiedError", new NotModifiedError("already started"), 304],
    ["UnauthorizedError", new UnauthorizedError("who"), 401],
    ["ForbiddenError", new ForbiddenError("no"), 403],
    ["NotImplementedError", new NotImplementedError("later"), 501],
    ["UnavailableError", new UnavailableError("busy"), 503],
    ["plain Error", new Error("boom"), 500],
    ["ExecError", new ExecError(["runc", "start", "x"], 1, "oops"), 500],
    ["a thrown string", "boom", 500],
  ];
  for (const [name, err, status] of table) {
    test(`${name} → ${status}`, () => assert.equal(statusFor(err), status));
  }
});

/** Runs sendError inside a real HTTP server and returns what a client sees. */
async function roundTrip(err: unknown): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; logged: string[] }> {
  const logged: string[] = [];
  const server = http.createServer((_req, res) => sendError(res, err, (m) => logged.push(m)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/x", agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), logged }));
        })
        .on("error", reject);
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe("sendError", () => {
  test("writes Docker's {message} JSON body with its status and Content-Type", async () => {
    const r = await roundTrip(new NotFoundError("No such container: web"));
    assert.equal(r.status, 404);
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(Number(r.headers["content-length"]), Buffer.byteLength(r.body));
    assert.deepEqual(JSON.parse(r.body), { message: "No such container: web" });
    assert.deepEqual(r.logged, [], "a 4xx is not logged");
  });

  test("an InvalidArgumentError is a 400 with its message", async () => {
    const r = await roundTrip(new InvalidArgumentError("invalid value for Cmd: expected a string or a list of strings"));
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).message, "invalid value for Cmd: expected a string or a list of strings");
  });

  test("304 has no body", async () => {
    const r = await roundTrip(new NotModifiedError("container is already running"));
    assert.equal(r.status, 304);
    assert.equal(r.body, "");
    assert.equal(r.headers["content-type"], undefined);
  });

  test("an unexpected error is a 500, logged exactly once with its stack", async () => {
    const err = new TypeError("cannot read properties of undefined");
    const r = await roundTrip(err);
    assert.equal(r.status, 500);
    assert.deepEqual(JSON.parse(r.body), { message: "cannot read properties of undefined" });
    assert.equal(r.logged.length, 1);
    assert.match(r.logged[0]!, /cannot read properties of undefined/);
    assert.match(r.logged[0]!, /errors\.test\.js/, "the stack is included");
  });

  test("an ExecError is a 500 whose message carries the failing command", async () => {
    const r = await roundTrip(new ExecError(["runc", "delete", "abc"], 2, "container does not exist\n"));
    assert.equal(r.status, 500);
    assert.equal(JSON.parse(r.body).message, "runc delete abc failed (exit 2): container does not exist");
    assert.equal(r.logged.length, 1);
  });

  test("without a log callback a 500 is still sent", async () => {
    const server = http.createServer((_req, res) => sendError(res, new Error("x")));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, agent: false }, (res) => { res.resume(); resolve(res.statusCode!); }).on("error", reject);
      });
      assert.equal(status, 500);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
