/**
 * The one map from berth's error classes to HTTP statuses (moby's
 * httpstatus.FromError). Bodies are Docker's {"message": …}. Anything that is
 * not a BerthError is a bug or an unexpected system failure: 500, logged once
 * here with its stack.
 */
import type { ServerResponse } from "node:http";
import {
  AlreadyExistsError,
  BerthError,
  ConflictError,
  ExecError,
  FailedPreconditionError,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  UnauthorizedError,
  UnavailableError,
} from "../errors/index.js";

export function statusFor(err: unknown): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof AlreadyExistsError) return 409;
  if (err instanceof ConflictError) return 409;
  if (err instanceof FailedPreconditionError) return 409;
  if (err instanceof InvalidArgumentError) return 400;
  if (err instanceof NotModifiedError) return 304;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotImplementedError) return 501;
  if (err instanceof UnavailableError) return 503;
  return 500;
}

export function messageFor(err: unknown): string {
  if (err instanceof ExecError) return err.message;
  if (err instanceof BerthError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function sendError(res: ServerResponse, err: unknown, log?: (msg: string) => void): void {
  const status = statusFor(err);
  if (status === 500) log?.(`internal error: ${err instanceof Error ? err.stack : String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 304) {
    res.writeHead(304);
    res.end();
    return;
  }
  const body = JSON.stringify({ message: messageFor(err) }) + "\n";
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
