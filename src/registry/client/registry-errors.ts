/**
 * Turns a registry's error answer into one of berth's error classes, with the
 * message Docker prints. Registries answer errors with the distribution
 * spec's body `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":…}]}`;
 * Docker renders each as "<code in lower case, _ → space>: <message>"
 * (distribution registry/api/errcode/errors.go), e.g.
 * "manifest unknown: manifest unknown".
 *
 * Status → class: 400 InvalidArgument, 401 Unauthorized, 403 Forbidden,
 * 404 NotFound, 416/409 Conflict, 429 and 5xx Unavailable.
 */
import {
  BerthError,
  ConflictError,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
} from "../../errors/index.js";

export interface RegistryErrorEntry {
  code: string;
  message: string;
}

/** The spec's error entries from a body, or [] when the body is not that shape. */
export function parseErrorBody(text: string): RegistryErrorEntry[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof v !== "object" || v === null || !Array.isArray((v as { errors?: unknown }).errors)) return [];
  const out: RegistryErrorEntry[] = [];
  for (const e of (v as { errors: unknown[] }).errors) {
    if (typeof e !== "object" || e === null) continue;
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    out.push({ code: typeof code === "string" ? code : "UNKNOWN", message: typeof message === "string" ? message : "" });
  }
  return out;
}

/** "manifest unknown: manifest unknown" (several entries are joined with "; "). */
export function describeErrors(entries: readonly RegistryErrorEntry[]): string {
  return entries.map((e) => `${e.code.toLowerCase().replace(/_/g, " ")}: ${e.message}`).join("; ");
}

export function errorForStatus(status: number, message: string): BerthError {
  if (status === 400) return new InvalidArgumentError(message);
  if (status === 401) return new UnauthorizedError(message);
  if (status === 403) return new ForbiddenError(message);
  if (status === 404) return new NotFoundError(message);
  if (status === 409 || status === 416) return new ConflictError(message);
  if (status === 429 || status >= 500) return new UnavailableError(message);
  return new BerthError(message);
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };

export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ""}`.trim();
}

/**
 * The error for a failed registry response. `prefix` says what was being
 * done ("manifest for x:1 not found"); without a spec body the HTTP status
 * is reported instead.
 */
export function registryError(status: number, bodyText: string, prefix?: string): BerthError {
  const entries = parseErrorBody(bodyText);
  const detail = entries.length > 0 ? describeErrors(entries) : `unexpected status from registry: ${statusLine(status)}`;
  return errorForStatus(status, prefix ? `${prefix}: ${detail}` : detail);
}
