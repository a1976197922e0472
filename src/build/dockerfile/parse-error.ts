import { InvalidArgumentError } from "../../errors/index.js";

/**
 * A Dockerfile that cannot be parsed. The message reads like Docker's
 * ("dockerfile parse error on line 3: unknown instruction: FOOO") with the
 * column added; `reason` is the part after the position.
 */
export class DockerfileParseError extends InvalidArgumentError {
  readonly line: number;
  readonly column: number;
  readonly reason: string;

  /** `bare`: the message is the reason alone (whole-file errors such as an empty Dockerfile). */
  constructor(reason: string, line: number, column: number, options?: { bare?: boolean; cause?: unknown }) {
    super(options?.bare ? reason : `dockerfile parse error on line ${line}, column ${column}: ${reason}`, {
      cause: options?.cause,
    });
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}
