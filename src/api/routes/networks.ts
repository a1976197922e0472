/**
 * /networks/*: list, inspect, create, remove, prune, connect, disconnect
 * (v1.43.yaml#/paths/~1networks…). Thin: parse, call the network services,
 * translate with network-view.ts.
 */
import type { ContainerService } from "../../engine/containers/container-service.js";
import type { ContainerNetworks } from "../../engine/networks/container-networks.js";
import { matchesLabels, type NetworkService } from "../../engine/networks/network-service.js";
import type { NetworkRecord } from "../../engine/networks/types.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { readJsonObject, sendJson, sendNoContent } from "../http-io.js";
import { parseEndpointSettings, parseNetworkCreate } from "../network-wire.js";
import { toNetworkView } from "../network-view.js";
import type { Router } from "../router.js";

export interface NetworkRouteDeps {
  networks: NetworkService;
  sandboxes: ContainerNetworks;
  containers: ContainerService;
}

const LIST_FILTERS = new Set(["driver", "id", "label", "name", "scope", "type", "dangling"]);

function matchesListFilters(n: NetworkRecord, f: Record<string, string[]>, dangling: (n: NetworkRecord) => boolean): boolean {
  const any = (k: string, test: (v: string) => boolean) => !f[k]?.length || f[k]!.some(test);
  return (
    any("driver", (v) => n.driver === v) &&
    any("id", (v) => n.id.startsWith(v)) &&
    any("name", (v) => n.name.includes(v)) &&
    any("scope", (v) => v === "local") &&
    any("type", (v) => (v === "builtin" ? n.predefined : v === "custom" ? !n.predefined : false)) &&
    any("dangling", (v) => (v === "true" || v === "1" ? dangling(n) : true)) &&
    matchesLabels(n.labels, f["label"] ?? [], [])
  );
}

function str(body: Record<string, unknown>, k: string): string {
  const v = body[k];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new InvalidArgumentError(`invalid value for ${k}: expected a string`);
  return v;
}

export function addNetworkRoutes(r: Router, d: NetworkRouteDeps): void {
  const view = (n: NetworkRecord, withContainers: boolean) =>
    toNetworkView(n, { sandboxes: d.sandboxes.allSandboxes(), nameOf: (id) => d.containers.find(id)?.name, withContainers });

  r.add("GET", "/networks", async (ctx) => {
    const f = ctx.query.filters();
    for (const k of Object.keys(f)) if (!LIST_FILTERS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    sendJson(ctx.res, 200, d.networks.list().filter((n) => matchesListFilters(n, f, (x) => d.networks.isDangling(x))).map((n) => view(n, false)));
  });

  r.add("GET", "/networks/{id}", async (ctx) => {
    sendJson(ctx.res, 200, view(d.networks.get(ctx.params["id"]!), true));
  });

  r.add("POST", "/networks/create", async (ctx) => {
    const req = parseNetworkCreate(await readJsonObject(ctx.req));
    const out = await d.networks.create(req);
    sendJson(ctx.res, 201, { Id: out.id, Warning: out.warning });
  });

  r.add("DELETE", "/networks/{id}", async (ctx) => {
    await d.networks.remove(ctx.params["id"]!);
    sendNoContent(ctx.res);
  });

  r.add("POST", "/networks/prune", async (ctx) => {
    const removed = await d.networks.prune(ctx.query.filters());
    sendJson(ctx.res, 200, { NetworksDeleted: removed.length ? removed : null });
  });

  r.add("POST", "/networks/{id}/connect", async (ctx) => {
    const body = await readJsonObject(ctx.req);
    const ref = str(body, "Container");
    if (!ref) throw new InvalidArgumentError("Container is required");
    const ep = parseEndpointSettings(body["EndpointConfig"], "EndpointConfig");
    const n = d.networks.get(ctx.params["id"]!);
    const c = d.containers.get(ref);
    const running = c.state.status === "running" || c.state.status === "paused";
    await d.containers.withLock(c.id, () => d.sandboxes.connect(n.id, { id: c.id, name: c.name.replace(/^\//, ""), networkMode: c.hostConfig.networkMode, running }, ep));
    sendNoContent(ctx.res, 200);
  });

  r.add("POST", "/networks/{id}/disconnect", async (ctx) => {
    const body = await readJsonObject(ctx.req);
    const ref = str(body, "Container");
    if (!ref) throw new InvalidArgumentError("Container is required");
    const n = d.networks.get(ctx.params["id"]!);
    const c = d.containers.get(ref);
    await d.containers.withLock(c.id, () => d.sandboxes.disconnect(n.id, { id: c.id, networkMode: c.hostConfig.networkMode }));
    sendNoContent(ctx.res, 200);
  });
}
