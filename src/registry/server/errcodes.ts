/**
 * The registry's error codes, declared once: code → message → HTTP status
 * (distribution registry/api/errcode/register.go; OCI distribution-spec
 * "Error Codes"). Storage and handlers throw `RegistryError(code, detail)`;
 * the router turns it into `{"errors":[{"code","message","detail"}]}` with the
 * table's status. Any other thrown error becomes a 500 without detail.
 */

export const ERROR_CODES = {
  BLOB_UNKNOWN: { message: "blob unknown to registry", status: 404 },
  BLOB_UPLOAD_INVALID: { message: "blob upload invalid", status: 400 },
  BLOB_UPLOAD_UNKNOWN: { message: "blob upload unknown to registry", status: 404 },
  DIGEST_INVALID: { message: "provided digest did not match uploaded content", status: 400 },
  MANIFEST_BLOB_UNKNOWN: { message: "manifest references a manifest or blob unknown to registry", status: 400 },
  MANIFEST_INVALID: { message: "manifest invalid", status: 400 },
  MANIFEST_UNKNOWN: { message: "manifest unknown to registry", status: 404 },
  NAME_INVALID: { message: "invalid repository name", status: 400 },
  NAME_UNKNOWN: { message: "repository name not known to registry", status: 404 },
  SIZE_INVALID: { message: "provided length did not match content length", status: 400 },
  UNAUTHORIZED: { message: "authentication required", status: 401 },
  DENIED: { message: "requested access to the resource is denied", status: 403 },
  UNSUPPORTED: { message: "the operation is unsupported", status: 405 },
  TOOMANYREQUESTS: { message: "too many requests", status: 429 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * A spec error. `status` overrides the table where the spec asks for another
 * status with the same code: 413 (manifest too large), 415 (UNSUPPORTED media
 * type), 416 (upload chunk out of order, BLOB_UPLOAD_INVALID). `headers` are
 * added to the error response (a 401's own Bearer challenge).
 */
export class RegistryError extends Error {
  readonly status: number;
  /** Extra response headers (the WWW-Authenticate challenge of a 401). */
  readonly headers?: Record<string, string>;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: unknown,
    options: { status?: number; message?: string; headers?: Record<string, string> } = {},
  ) {
    super(options.message ?? ERROR_CODES[code].message);
    this.name = "RegistryError";
    this.status = options.status ?? ERROR_CODES[code].status;
    if (options.headers) this.headers = options.headers;
  }
}

export function isRegistryError(e: unknown): e is RegistryError {
  return e instanceof RegistryError;
}

export interface ErrorBody {
  errors: { code: string; message: string; detail?: unknown }[];
}

export function errorBody(err: RegistryError): ErrorBody {
  const entry: { code: string; message: string; detail?: unknown } = { code: err.code, message: err.message };
  if (err.detail !== undefined) entry.detail = err.detail;
  return { errors: [entry] };
}
