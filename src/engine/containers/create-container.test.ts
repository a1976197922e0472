import { containerConfig } from "../../../test/fixtures/containers/records.js";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import type { Image, ImageRunConfig } from "../images/image-service.js";
import { commandOf, mergeEnv, mergeImageConfig } from "./create-container.js";
import type { ContainerConfig } from "./types.js";

function cfg(over: Partial<ContainerConfig> = {}): ContainerConfig {
  return containerConfig({ cmd: null, image: "img", ...over });
}

function image(config: ImageRunConfig): Image {
  return {
    id: "sha256:" + "a".repeat(64),
    repoTags: ["img:latest"],
    repoDigests: [],
    config: { architecture: "amd64", os: "linux", config, rootfs: { type: "layers", diff_ids: [] } },
    topChainId: null,
    size: 0,
    created: new Date(0),
    parent: "",
  };
}

describe("mergeImageConfig", () => {
  test("Env merges by key, the user's value wins, order follows the image", () => {
    const m = mergeImageConfig(cfg({ env: ["FOO=user", "NEW=1"] }), image({ Env: ["PATH=/bin", "FOO=image"] }));
    assert.deepEqual(m.env, ["PATH=/bin", "FOO=user", "NEW=1"]);
  });
  test("mergeEnv treats a bare key as its own entry", () => {
    assert.deepEqual(mergeEnv(["A=1", "B"], ["B=2", "A"]), ["A", "B=2"]);
  });
  test("image Entrypoint and Cmd are the defaults", () => {
    const m = mergeImageConfig(cfg(), image({ Entrypoint: ["/init"], Cmd: ["sh"] }));
    assert.deepEqual(m.entrypoint, ["/init"]);
    assert.deepEqual(m.cmd, ["sh"]);
  });
  test("a user Cmd replaces the image Cmd but keeps its Entrypoint", () => {
    const m = mergeImageConfig(cfg({ cmd: ["echo", "hi"] }), image({ Entrypoint: ["/init"], Cmd: ["sh"] }));
    assert.deepEqual(m.entrypoint, ["/init"]);
    assert.deepEqual(m.cmd, ["echo", "hi"]);
  });
  test("a user Entrypoint drops the image Cmd", () => {
    const m = mergeImageConfig(cfg({ entrypoint: ["/bin/date"] }), image({ Entrypoint: ["/init"], Cmd: ["sh"] }));
    assert.deepEqual(m.entrypoint, ["/bin/date"]);
    assert.equal(m.cmd, null);
  });
  test('--entrypoint "" clears the image Entrypoint', () => {
    const m = mergeImageConfig(cfg({ entrypoint: [""], cmd: ["ls"] }), image({ Entrypoint: ["/init"], Cmd: ["sh"] }));
    assert.equal(m.entrypoint, null);
    assert.deepEqual(m.cmd, ["ls"]);
  });
  test("WorkingDir, User, StopSignal default to the image's", () => {
    const m = mergeImageConfig(cfg(), image({ WorkingDir: "/app", User: "nobody", StopSignal: "SIGQUIT", Cmd: ["sh"] }));
    assert.equal(m.workingDir, "/app");
    assert.equal(m.user, "nobody");
    assert.equal(m.stopSignal, "SIGQUIT");
  });
  test("the user's WorkingDir and User win", () => {
    const m = mergeImageConfig(cfg({ workingDir: "/w", user: "1000:1000" }), image({ WorkingDir: "/app", User: "nobody" }));
    assert.equal(m.workingDir, "/w");
    assert.equal(m.user, "1000:1000");
  });
  test("Labels and ExposedPorts merge, the user's win", () => {
    const m = mergeImageConfig(cfg({ labels: { a: "user", c: "3" }, exposedPorts: { "81/tcp": {} } }), image({ Labels: { a: "img", b: "2" }, ExposedPorts: { "80/tcp": {} } }));
    assert.deepEqual(m.labels, { a: "user", b: "2", c: "3" });
    assert.deepEqual(Object.keys(m.exposedPorts).sort(), ["80/tcp", "81/tcp"]);
  });
  test("an image with no config block", () => {
    const img = image({});
    delete img.config.config;
    const m = mergeImageConfig(cfg({ cmd: ["x"] }), img);
    assert.deepEqual(m.cmd, ["x"]);
    assert.equal(m.workingDir, "");
    assert.deepEqual(m.env, []);
  });
});

describe("commandOf", () => {
  test("Entrypoint then Cmd", () => {
    assert.deepEqual(commandOf(cfg({ entrypoint: ["/init", "--"], cmd: ["sh", "-c", "x"] })), { path: "/init", args: ["--", "sh", "-c", "x"] });
    assert.deepEqual(commandOf(cfg({ cmd: ["echo", "hello"] })), { path: "echo", args: ["hello"] });
  });
  test('no command at all is "No command specified"', () => {
    assert.throws(() => commandOf(cfg()), (e: unknown) => e instanceof InvalidArgumentError && e.message === "No command specified");
    assert.throws(() => commandOf(cfg({ cmd: [], entrypoint: [] })), InvalidArgumentError);
  });
});
