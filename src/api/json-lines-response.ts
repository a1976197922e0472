/**
 * A streamed JSON-lines response (pull, push, build): the 200 and its
 * headers go out with the first line, so a failure before any output is
 * still a plain status with {"message"} from the router; a failure after
 * that ends the stream with {"errorDetail", "error"}, which the docker CLI
 * prints and exits on.
 */
import type { ServerResponse } from "node:http";
import { messageFor, statusFor } from "./errors.js";

export class JsonLinesResponse {
  private started = false;
  constructor(private readonly res: ServerResponse) {}

  line(v: unknown): void {
    if (!this.started) {
      this.res.writeHead(200, { "Content-Type": "application/json" });
      this.started = true;
    }
    if (!this.res.destroyed) this.res.write(JSON.stringify(v) + "\r\n");
  }

  /**
   * Ends the stream with the error, or rethrows it when nothing was sent yet.
   * `code` goes into errorDetail (a failed RUN's exit code); `log` gets the
   * stack of an internal (500) error, prefixed with `what`.
   */
  fail(err: unknown, o: { code?: number; log?: (m: string) => void; what?: string } = {}): void {
    if (!this.started) throw err;
    if (statusFor(err) === 500) o.log?.(`${o.what ?? "operation"} failed: ${err instanceof Error ? err.stack : String(err)}`);
    const message = messageFor(err);
    this.line({ errorDetail: o.code !== undefined ? { code: o.code, message } : { message }, error: message });
    this.res.end();
  }

  /** Ends the stream; `emptyLine` is sent first when nothing was (so the client sees a 200 with a body). */
  end(emptyLine?: unknown): void {
    if (!this.started && emptyLine !== undefined) this.line(emptyLine);
    this.res.end();
  }
}
