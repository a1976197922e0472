/**
 * DNS over TCP frames each message with a two-octet length (RFC 1035
 * §4.2.2, RFC 7766 §8). FrameReader turns a byte stream into messages while
 * holding at most one partial message (≤ 65535 + 2 octets), however the
 * stream is chunked or whatever garbage it carries.
 */
export const MAX_TCP_MESSAGE = 0xffff;

export class FrameReader {
  private buffered: Buffer[] = [];
  private bufferedLength = 0;

  /** Appends a chunk and returns the messages it completed. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.buffered.push(chunk);
    this.bufferedLength += chunk.length;
    while (this.bufferedLength >= 2) {
      // Concatenate only once a whole message is here, so a message sent one
      // octet at a time costs linear, not quadratic, copying.
      if (this.buffered[0]!.length < 2) this.buffered = [Buffer.concat(this.buffered, this.bufferedLength)];
      const len = this.buffered[0]!.readUInt16BE(0);
      if (this.bufferedLength < 2 + len) break;
      const data = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedLength);
      out.push(Buffer.from(data.subarray(2, 2 + len)));
      const rest = data.subarray(2 + len);
      this.buffered = rest.length ? [rest] : [];
      this.bufferedLength = rest.length;
    }
    return out;
  }

  /** True when the stream stopped in the middle of a message. */
  get hasPartial(): boolean {
    return this.bufferedLength > 0;
  }
}

export function frame(msg: Buffer): Buffer {
  if (msg.length > MAX_TCP_MESSAGE) throw new RangeError("DNS message longer than 65535 octets");
  const head = Buffer.alloc(2);
  head.writeUInt16BE(msg.length, 0);
  return Buffer.concat([head, msg]);
}
