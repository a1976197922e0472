/**
 * JSON-lines response bodies: /images/load, /images/create, /build, /events,
 * /containers/{id}/wait. One JSON object per line; load ends lines with "\r\n"
 * (06-images.txt), others with "\n". A line with `error` means the operation
 * failed after the 200 was sent (transcripts README, fact 11).
 */
import type { Readable } from "node:stream";
import type { ProgressMessage } from "../apitypes/index.js";
import { StreamError } from "./errors.js";

export async function* readJsonLines<T>(body: Readable): AsyncGenerator<T> {
  for await (const line of readLines(body)) yield JSON.parse(line) as T;
}

/** The non-empty lines of a body, trimmed; for callers that need the exact text (events' 19-digit timeNano). */
export async function* readLines(body: Readable): AsyncGenerator<string> {
  let pending = "";
  body.setEncoding("utf8");
  for await (const chunk of body) {
    pending += chunk as string;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield line;
    }
  }
  if (pending.trim()) yield pending.trim();
}

/** Reads a progress stream to its end, forwarding each message; throws StreamError on an in-stream error. */
export async function collectProgress(
  body: Readable,
  onProgress?: (message: ProgressMessage) => void,
): Promise<ProgressMessage[]> {
  const messages: ProgressMessage[] = [];
  for await (const message of readJsonLines<ProgressMessage>(body)) {
    if (message.error || message.errorDetail) {
      body.destroy();
      throw new StreamError(message.errorDetail?.message ?? message.error ?? "unknown error", message.errorDetail?.code);
    }
    messages.push(message);
    onProgress?.(message);
  }
  return messages;
}
