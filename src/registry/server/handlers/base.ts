/** `GET /v2/` (the API probe) and `GET /v2/_catalog` (repository list with n/last pagination). */
import { linkHeader, paginate, sendJson } from "../http-util.js";
import type { Handler } from "./context.js";

export const apiProbe: Handler = async (c) => {
  sendJson(c.res, 200, {});
};

export const catalog: Handler = async (c) => {
  const all = await c.repos.catalog();
  const n = c.query.get("n");
  const page = paginate(all, (s) => s, n, c.query.get("last"));
  const headers: Record<string, string> = {};
  if (page.next !== undefined) headers["Link"] = linkHeader("/v2/_catalog", n === null ? undefined : Number(n), page.next);
  sendJson(c.res, 200, { repositories: page.items }, headers);
};
