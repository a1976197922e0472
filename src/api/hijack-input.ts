/**
 * Input on a hijacked (upgraded) connection. A client may send a request
 * body with Content-Length on the upgrade request (dockerode's attach options,
 * the docker CLI's exec-start JSON); those bytes belong to the request, not
 * to the container's stdin, and are dropped before input is passed on.
 */
import type { IncomingMessage } from "node:http";

export function skipRequestBody(req: IncomingMessage, onInput: (b: Buffer) => void): (b: Buffer) => void {
  let skip = Number(req.headers["content-length"] ?? 0) || 0;
  return (b) => {
    if (skip > 0) {
      const n = Math.min(skip, b.length);
      skip -= n;
      b = b.subarray(n);
    }
    if (b.length) onInput(b);
  };
}
