/**
 * Docker's "stdcopy" stream multiplexing, used on attach, exec and logs when
 * the container has no TTY (transcripts README, fact 6).
 *
 * Every write of the process becomes one frame: an 8-byte header
 *   [stream, 0, 0, 0, len as uint32 big-endian]
 * followed by `len` payload bytes. stream 1 = stdout, 2 = stderr (0 = stdin is
 * defined but never sent by the daemon), e.g. `01 00 00 00 00 00 00 06 hello\n`
 * in 02-run-rm.txt. TCP and HTTP chunking split frames anywhere, so the
 * demuxer must carry partial headers and payloads across chunks.
 */
import { Transform, type Readable, type TransformCallback, type Writable } from "node:stream";
import { once } from "node:events";

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export type StreamId = typeof STDIN | typeof STDOUT | typeof STDERR;

export const FRAME_HEADER_SIZE = 8;

export interface Frame {
  stream: StreamId;
  payload: Buffer;
}

/** The header plus payload of one frame. */
export function encodeFrame(stream: StreamId, payload: Buffer | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(FRAME_HEADER_SIZE);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Thrown when a header names a stream other than 0, 1, 2: the peer is not speaking stdcopy (maybe a TTY stream). */
export class StdcopyFormatError extends Error {}

/**
 * Incremental frame parser: feed it chunks as they arrive, get whole frames
 * back. Pure (no streams), so it is easy to test with arbitrary splits.
 */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= FRAME_HEADER_SIZE) {
      const stream = this.pending[offset]!;
      if (stream > STDERR) {
        throw new StdcopyFormatError(`unrecognized stream id ${stream} in frame header`);
      }
      const length = this.pending.readUInt32BE(offset + 4);
      const end = offset + FRAME_HEADER_SIZE + length;
      if (this.pending.length < end) break;
      frames.push({ stream: stream as StreamId, payload: this.pending.subarray(offset + FRAME_HEADER_SIZE, end) });
      offset = end;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  /** Bytes of an unfinished frame; non-zero at end of stream means it was truncated. */
  get bufferedBytes(): number {
    return this.pending.length;
  }
}

/** Transform: raw bytes in, one `Frame` object out per frame (daemon side can use it to read stdin frames too). */
export class FrameDemuxTransform extends Transform {
  private readonly decoder = new FrameDecoder();

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      for (const frame of this.decoder.push(chunk)) this.push(frame);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }
}

/** Transform: each chunk written becomes one frame on `stream` (the daemon's side of attach/logs). */
export class FrameMuxTransform extends Transform {
  constructor(private readonly stream: StreamId) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    callback(null, encodeFrame(this.stream, chunk));
  }
}

/**
 * Reads a multiplexed stream to its end and copies each payload to stdout or
 * stderr, waiting for 'drain' so a slow terminal slows the socket (backpressure).
 * Resolves when the source ends; rejects on a malformed header.
 */
export async function demuxStream(source: Readable, stdout: Writable, stderr: Writable): Promise<void> {
  const decoder = new FrameDecoder();
  for await (const chunk of source) {
    for (const frame of decoder.push(chunk as Buffer)) {
      const target = frame.stream === STDERR ? stderr : stdout;
      if (!target.write(frame.payload)) await once(target, "drain");
    }
  }
}
