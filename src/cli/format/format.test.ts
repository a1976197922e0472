import { test } from "node:test";
import assert from "node:assert/strict";
import { compileTemplate } from "./go-template.js";
import { humanDuration, humanSize, parseRamBytes } from "./human.js";
import { alignColumns } from "./tabwriter.js";
import { renderRows } from "./output-format.js";
import { PS_DEFAULT_FORMAT, PS_HEADERS, ellipsis, toContainerRow } from "./container-rows.js";
import type { ContainerSummary } from "../../apitypes/index.js";

const render = (t: string, data: unknown) => compileTemplate(t).render(data);

test("go template: fields, nested fields, json, functions, pipes", () => {
  const data = { ID: "abc", State: { Status: "running", Running: true }, Env: ["A=1", "B=2"], Labels: { b: "2", a: "1" }, Nil: null };
  assert.equal(render("{{.ID}}", data), "abc");
  assert.equal(render("{{.State.Status}}", data), "running");
  assert.equal(render("{{json .Env}}", data), '["A=1","B=2"]');
  assert.equal(render("{{json .}}", { a: 1 }), '{"a":1}');
  assert.equal(render("{{.Env}}", data), "[A=1 B=2]");
  assert.equal(render("{{.Labels}}", data), "map[a:1 b:2]");
  assert.equal(render('{{join .Env ","}}', data), "A=1,B=2");
  assert.equal(render("{{.ID | upper}}", data), "ABC");
  assert.equal(render('{{index .Labels "a"}}', data), "1");
  assert.equal(render("{{.Missing}}", data), "<no value>");
  assert.equal(render("{{len .Env}}", data), "2");
});

test("go template: range, if/else and whitespace trimming", () => {
  const data = { Mounts: [{ Source: "/a" }, { Source: "/b" }], Running: false };
  assert.equal(render("{{range .Mounts}}{{.Source}};{{end}}", data), "/a;/b;");
  assert.equal(render("{{if .Running}}up{{else}}down{{end}}", data), "down");
  assert.equal(render("a  {{- .Running -}}  b", data), "afalseb");
});

test("go template: errors are reported", () => {
  assert.throws(() => compileTemplate("{{.ID"));
  assert.throws(() => render("{{nosuchfunc .ID}}", {}));
});

test("human sizes match go-units", () => {
  assert.equal(humanSize(1982312), "1.98MB");
  assert.equal(humanSize(54520092), "54.5MB");
  assert.equal(humanSize(4260000), "4.26MB");
  assert.equal(humanSize(0), "0B");
  assert.equal(humanSize(1880), "1.88kB");
  assert.equal(humanSize(999), "999B");
});

test("human durations match go-units", () => {
  assert.equal(humanDuration(500), "Less than a second");
  assert.equal(humanDuration(1000), "1 second");
  assert.equal(humanDuration(5000), "5 seconds");
  assert.equal(humanDuration(60_000), "About a minute");
  assert.equal(humanDuration(120_000), "2 minutes");
  assert.equal(humanDuration(3_600_000), "About an hour");
  assert.equal(humanDuration(5 * 3_600_000), "5 hours");
  assert.equal(humanDuration(3 * 86_400_000), "3 days");
  assert.equal(humanDuration(21 * 86_400_000), "3 weeks");
});

test("RAM sizes are binary like RAMInBytes", () => {
  assert.equal(parseRamBytes("64m"), 64 * 1024 * 1024);
  assert.equal(parseRamBytes("1g"), 1024 ** 3);
  assert.equal(parseRamBytes("512"), 512);
  assert.equal(parseRamBytes("1.5k"), 1536);
  assert.equal(parseRamBytes("64MiB"), 64 * 1024 * 1024);
  assert.throws(() => parseRamBytes("lots"));
});

test("tabwriter pads to max(10, width+3) and leaves the last cell alone", () => {
  assert.equal(alignColumns(["REPOSITORY\tTAG\tSIZE", "busybox\tlocal\t1.98MB"]), "REPOSITORY   TAG       SIZE\nbusybox      local     1.98MB\n");
});

test("ps default table matches the 03 transcript", () => {
  const now = 1795775312 * 1000;
  const summary = {
    Id: "4652018b88d056ff251ef03d4c4e6876ce8efa7c2e842e4e74844c97ea2867d9",
    Names: ["/web"],
    Image: "busybox:local",
    Command: "httpd -f -p 80",
    Created: 1795775311,
    Ports: [
      { IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Type: "tcp" },
      { IP: "::", PrivatePort: 80, PublicPort: 8080, Type: "tcp" },
    ],
    State: "running",
    Status: "Up Less than a second",
  } as ContainerSummary;
  const out = renderRows({ format: undefined, defaultFormat: PS_DEFAULT_FORMAT, headers: PS_HEADERS }, [toContainerRow(summary, { truncate: true, now })]);
  assert.equal(
    out,
    "CONTAINER ID   IMAGE           COMMAND            CREATED        STATUS                  PORTS                                     NAMES\n" +
      '4652018b88d0   busybox:local   "httpd -f -p 80"   1 second ago   Up Less than a second   0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web\n',
  );
  const custom = renderRows({ format: "table {{.ID}}\\t{{.Names}}", defaultFormat: PS_DEFAULT_FORMAT, headers: PS_HEADERS }, [toContainerRow(summary, { truncate: true, now })]);
  assert.equal(custom, "CONTAINER ID   NAMES\n4652018b88d0   web\n");
  assert.equal(renderRows({ format: "{{.Names}}", defaultFormat: "", headers: {} }, [{ Names: "web" }]), "web\n");
});

test("ellipsis keeps maxLength runes", () => {
  assert.equal(ellipsis("sh -c 'echo a very long command'", 20), "sh -c 'echo a very …");
  assert.equal(ellipsis("short", 20), "short");
});
