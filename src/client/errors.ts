/**
 * Errors the client raises. A non-2xx answer becomes a DaemonError carrying
 * the HTTP status and Docker's `{"message"}` text (transcripts README, fact 3):
 * callers branch on `statusCode` (404 → pull, 304 → already stopped), and the
 * CLI prints `Error response from daemon: <message>`.
 */
export class DaemonError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = "DaemonError";
  }

  get isNotFound(): boolean {
    return this.statusCode === 404;
  }

  get isConflict(): boolean {
    return this.statusCode === 409;
  }

  get isNotModified(): boolean {
    return this.statusCode === 304;
  }
}

/** The socket could not be reached (ENOENT, ECONNREFUSED, EACCES). Docker's wording, since scripts grep for it. */
export class DaemonUnreachableError extends Error {
  constructor(
    readonly socketPath: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot connect to the berth daemon at unix://${socketPath}. Is the berth daemon running?`, options);
    this.name = "DaemonUnreachableError";
  }
}

/** A JSON-lines stream (load, import, pull) ended with `{"errorDetail":…,"error":…}` after a 200. */
export class StreamError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = "StreamError";
  }
}

/** Builds a DaemonError from a response body, tolerating non-JSON bodies (proxies, old daemons). */
export function daemonErrorFromBody(statusCode: number, body: string): DaemonError {
  let message = body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === "string") message = parsed.message;
  } catch {
    // keep the raw text
  }
  if (!message) message = `HTTP ${statusCode}`;
  return new DaemonError(statusCode, message);
}
