/**
 * berth's error classes, modelled on containerd's errdefs.
 *
 * Code below api/ throws these and never an HTTP status; api/errors.ts maps
 * each class to a status in one switch. Messages are written the way Docker
 * writes them ("No such container: x") because clients match on them.
 */
export class BerthError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 404: no such container / image / layer / blob. */
export class NotFoundError extends BerthError {}
/** 409: an object with that name or key exists already. */
export class AlreadyExistsError extends BerthError {}
/** 409: the operation conflicts with the object's current use or state. */
export class ConflictError extends BerthError {}
/** 400: the caller sent something malformed or out of range. */
export class InvalidArgumentError extends BerthError {}
/** 409 unless stated otherwise: the object is not in a state that allows this. */
export class FailedPreconditionError extends BerthError {}
/** 304: nothing to do (already started / already stopped). */
export class NotModifiedError extends BerthError {}
/** 401 */
export class UnauthorizedError extends BerthError {}
/** 403 */
export class ForbiddenError extends BerthError {}
/** 501 */
export class NotImplementedError extends BerthError {}
/** 503 */
export class UnavailableError extends BerthError {}

/** A child process (runc, conmon, mount, …) failed. Carries what is needed to diagnose it. */
export class ExecError extends BerthError {
  readonly argv: string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(argv: string[], exitCode: number | null, stderr: string, options?: { cause?: unknown }) {
    const tail = stderr.trim().split("\n").slice(-5).join("\n");
    super(`${argv[0]} ${argv.slice(1, 3).join(" ")} failed (exit ${exitCode ?? "signal"}): ${tail}`, options);
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/**
 * A system call berth made through its syscall helper (mount, umount2,
 * lgetxattr, syncfs; src/sys/syscall-helper.ts) failed. Shaped like Node's own
 * system errors: `code` ("EBUSY"), negative `errno`, `syscall`, `path`.
 */
export class SyscallError extends BerthError {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly path: string;
  constructor(code: string, errno: number, syscall: string, path: string, detail: string) {
    super(`${syscall} ${path}: ${detail} (${code})`);
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    this.path = path;
  }
}

export function isBerthError(err: unknown): err is BerthError {
  return err instanceof BerthError;
}
