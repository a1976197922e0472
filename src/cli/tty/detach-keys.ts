/**
 * Detach keys (`--detach-keys`, default "ctrl-p,ctrl-q"), parsed as moby's
 * pkg/term ToBytes does: a comma-separated list of single characters or
 * `ctrl-<c>` with <c> in a-z, @, [, \, ], ^, _. The EscapeDetector does what
 * the docker CLI's term.NewEscapeProxy does on stdin: bytes that could start
 * the sequence are held back; the full sequence is swallowed and reported.
 */
export const DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q";

export class DetachKeysError extends Error {}

export function parseDetachKeys(spec: string): Buffer {
  const codes: number[] = [];
  for (const key of spec.split(",")) {
    const lower = key.toLowerCase();
    if (key.length === 1) {
      codes.push(key.charCodeAt(0));
    } else if (lower.startsWith("ctrl-") && key.length === 6) {
      const c = lower.charCodeAt(5);
      if (c >= 0x61 && c <= 0x7a) codes.push(c - 0x60);
      else if ("@[\\]^_".includes(lower[5]!)) codes.push(c - 0x40);
      else throw new DetachKeysError(`Unknown character: '${key}'`);
    } else {
      throw new DetachKeysError(`Unknown character: '${key}'`);
    }
  }
  return Buffer.from(codes);
}

export class EscapeDetector {
  private held = 0;

  constructor(private readonly sequence: Buffer) {}

  /** Feeds a chunk of input; returns the bytes to forward, and whether the sequence completed. */
  feed(chunk: Buffer): { forward: Buffer; detached: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.sequence[this.held]) {
        this.held++;
        if (this.held === this.sequence.length) {
          this.held = 0;
          return { forward: Buffer.from(out), detached: true };
        }
        continue;
      }
      // The partial match broke: the held bytes were ordinary input after all.
      for (let i = 0; i < this.held; i++) out.push(this.sequence[i]!);
      this.held = 0;
      if (byte === this.sequence[0]) {
        this.held = 1;
        if (this.sequence.length === 1) return { forward: Buffer.from(out), detached: true };
      } else {
        out.push(byte);
      }
    }
    return { forward: Buffer.from(out), detached: false };
  }
}
