import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { Router, type Handler } from "./router.js";

const h = (tag: string): Handler & { tag: string } => Object.assign(() => {}, { tag });

function build() {
  const handlers = {
    list: h("list"),
    inspect: h("inspect"),
    remove: h("remove"),
    start: h("start"),
    imageInspect: h("imageInspect"),
    imageRemove: h("imageRemove"),
  };
  const r = new Router()
    .add("GET", "/containers/json", handlers.list)
    .add("GET", "/containers/{id}/json", handlers.inspect)
    .add("DELETE", "/containers/{id}", handlers.remove)
    .add("POST", "/containers/{id}/start", handlers.start)
    .add("GET", "/images/{name*}/json", handlers.imageInspect)
    .add("DELETE", "/images/{name*}", handlers.imageRemove);
  return { r, handlers };
}

describe("Router.match", () => {
  test("a fixed path", () => {
    const { r, handlers } = build();
    assert.deepEqual(r.match("GET", "/containers/json"), { handler: handlers.list, params: {} });
  });

  test("{id} captures one segment", () => {
    const { r, handlers } = build();
    assert.deepEqual(r.match("GET", "/containers/abc123/json"), { handler: handlers.inspect, params: { id: "abc123" } });
    assert.deepEqual(r.match("POST", "/containers/web/start"), { handler: handlers.start, params: { id: "web" } });
  });

  test("{id} does not span slashes", () => {
    const { r } = build();
    assert.deepEqual(r.match("GET", "/containers/a/b/json"), { methodMismatch: false });
  });

  test("{name*} captures a name with slashes, registry host and tag", () => {
    const { r, handlers } = build();
    assert.deepEqual(r.match("GET", "/images/example.com/team/bb:v1/json"), { handler: handlers.imageInspect, params: { name: "example.com/team/bb:v1" } });
    assert.deepEqual(r.match("DELETE", "/images/localhost:5000/x/y:1"), { handler: handlers.imageRemove, params: { name: "localhost:5000/x/y:1" } });
  });

  test("params are percent-decoded; a malformed escape is kept as-is", () => {
    const { r } = build();
    const ok = r.match("GET", "/images/busybox%3Alatest/json");
    assert.ok("params" in ok);
    assert.equal(ok.params["name"], "busybox:latest");
    const bad = r.match("GET", "/containers/%zz/json");
    assert.ok("params" in bad);
    assert.equal(bad.params["id"], "%zz");
  });

  test("HEAD matches a GET route", () => {
    const { r, handlers } = build();
    const m = r.match("HEAD", "/containers/json");
    assert.ok("handler" in m);
    assert.equal(m.handler, handlers.list);
  });

  test("a known path with another method is a method mismatch (405), an unknown path is not (404)", () => {
    const { r } = build();
    assert.deepEqual(r.match("POST", "/containers/json"), { methodMismatch: true });
    assert.deepEqual(r.match("PUT", "/containers/abc"), { methodMismatch: true });
    assert.deepEqual(r.match("GET", "/nope"), { methodMismatch: false });
  });

  test("GET does not match HEAD-only or POST routes", () => {
    const { r } = build();
    assert.deepEqual(r.match("GET", "/containers/x/start"), { methodMismatch: true });
  });
});
