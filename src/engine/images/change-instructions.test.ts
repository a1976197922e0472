import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import { applyChanges, splitWords } from "./change-instructions.js";

test("JSON and shell forms", () => {
  const c = applyChanges({}, ['CMD ["a", "b c"]', "ENTRYPOINT /bin/app --flag", 'VOLUME ["/a", "/b"]', "VOLUME /c /d"]);
  assert.deepEqual(c.Cmd, ["a", "b c"]);
  assert.deepEqual(c.Entrypoint, ["/bin/sh", "-c", "/bin/app --flag"]);
  assert.deepEqual(Object.keys(c.Volumes ?? {}), ["/a", "/b", "/c", "/d"]);
  assert.deepEqual(applyChanges({}, ["CMD [not json"]).Cmd, ["/bin/sh", "-c", "[not json"]);
});

test("ENV and LABEL forms, overriding in order", () => {
  const c = applyChanges({ Env: ["PATH=/bin"] }, ["ENV PATH=/usr/bin A='x y' B=\"q\\\"z\"", "ENV LEGACY some value", "LABEL a=1 \"b c\"=2", "env lower=case"]);
  assert.deepEqual(c.Env, ["PATH=/usr/bin", "A=x y", 'B=q"z', "LEGACY=some value", "lower=case"]);
  assert.deepEqual(c.Labels, { a: "1", "b c": "2" });
});

test("EXPOSE, USER, WORKDIR, STOPSIGNAL", () => {
  const c = applyChanges({}, ["EXPOSE 80 443/TCP 53/udp 8000-8001", "USER 1000:1000", "WORKDIR /srv", "STOPSIGNAL SIGINT"]);
  assert.deepEqual(c.ExposedPorts, { "80/tcp": {}, "443/tcp": {}, "53/udp": {}, "8000-8001/tcp": {} });
  assert.equal(c.User, "1000:1000");
  assert.equal(c.WorkingDir, "/srv");
  assert.equal(c.StopSignal, "SIGINT");
});

test("refuses what docker import refuses", () => {
  assert.throws(() => applyChanges({}, ["RUN rm -rf /"]), (e: unknown) => e instanceof InvalidArgumentError && e.message === "RUN is not a valid change command");
  assert.throws(() => applyChanges({}, ["EXPOSE abc"]), InvalidArgumentError);
  assert.throws(() => applyChanges({}, ["ENV =x"]), InvalidArgumentError);
  assert.throws(() => splitWords('a "b'), InvalidArgumentError);
});
