/**
 * Request parsing and response writing shared by every route: JSON bodies
 * through a size cap and a real parse (a malformed body is a 400, never a
 * crash), Docker's boolean query values, and JSON replies with Content-Length.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidArgumentError } from "../errors/index.js";

export const MAX_JSON_BODY = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new InvalidArgumentError(`request body too large (limit ${limit} bytes)`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON object body; an empty body is {} when `allowEmpty`. */
export async function readJsonObject(req: IncomingMessage, allowEmpty = false): Promise<Record<string, unknown>> {
  const buf = await readBody(req);
  if (buf.length === 0 || buf.toString().trim() === "") {
    if (allowEmpty) return {};
    throw new InvalidArgumentError("invalid JSON: request body is empty");
  }
  let v: unknown;
  try {
    v = JSON.parse(buf.toString("utf8"));
  } catch (e) {
    throw new InvalidArgumentError(`invalid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InvalidArgumentError("invalid JSON: expected an object");
  return v as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value) + "\n";
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

export function sendNoContent(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

export class Query {
  constructor(private readonly params: URLSearchParams) {}

  str(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  all(name: string): string[] {
    return this.params.getAll(name);
  }

  /** Docker's boolean query values: 1/true/True are true; 0/false/empty are false. */
  bool(name: string, dflt = false): boolean {
    const v = this.params.get(name);
    if (v === null) return dflt;
    const l = v.toLowerCase();
    if (l === "" || l === "0" || l === "false" || l === "no") return false;
    return true;
  }

  int(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null || v === "") return undefined;
    if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid value for ${name}: ${JSON.stringify(v)}`);
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`invalid value for ${name}: ${v}`);
    return n;
  }

  /** Docker's `filters` query value: JSON {"key": ["v"]} or the legacy {"key": {"v": true}}. */
  filters(): Record<string, string[]> {
    const raw = this.params.get("filters");
    if (!raw) return {};
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      throw new InvalidArgumentError(`invalid filter: ${raw.slice(0, 200)}`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InvalidArgumentError("invalid filter: expected an object");
    const out: Record<string, string[]> = {};
    for (const [k, val] of Object.entries(v)) {
      if (Array.isArray(val)) out[k] = val.map(String);
      else if (typeof val === "object" && val !== null) out[k] = Object.keys(val).filter((x) => (val as Record<string, unknown>)[x]);
      else throw new InvalidArgumentError(`invalid filter: value for ${k} must be a list`);
    }
    return out;
  }
}
