/**
 * Renders Docker JSON progress lines (pull, push) the way the docker CLI's
 * jsonmessage.DisplayJSONMessagesStream does:
 *  - terminal: one line per layer id, rewritten in place with ANSI cursor
 *    movement ("<id>: Downloading [====>   ]  1.2MB/3.4MB"); a line without
 *    a layer id (Digest:, Status:) ends the in-place block;
 *  - not a terminal: progress-bar updates are dropped, every other status is
 *    printed once per change ("<id>: Pull complete"), as docker does when piped.
 * `aux` lines are handed to onAux, never printed. Error lines are the
 * caller's (collectProgress throws on them).
 */
import type { Writable } from "node:stream";
import type { ProgressMessage } from "../../apitypes/index.js";

/** go-units HumanSize: decimal units, "%.4g" ("34.82kB", "1.982MB", "109B"). */
export function humanSize(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${parseFloat(n.toPrecision(4))}${units[i]}`;
}

/** jsonmessage JSONProgress.String(): the bar only when the terminal is wider than 110 columns. */
export function progressString(current: number, total: number, width = 200): string {
  if (current <= 0 && total <= 0) return "";
  if (total <= 0) return humanSize(current).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const box = width > 110 ? `[${"=".repeat(pct)}>${" ".repeat(Math.max(0, 50 - pct))}] ` : "";
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return box + numbers;
}

function hasProgress(m: ProgressMessage): boolean {
  const d = m.progressDetail as { current?: number; total?: number } | undefined;
  return Boolean((d && ((d.current ?? 0) > 0 || (d.total ?? 0) > 0)) || m.progress);
}

export interface ProgressRendererOptions {
  out: Writable;
  /** Render in place with ANSI sequences. */
  tty: boolean;
  /** Terminal width (bar is dropped at ≤110 columns, like docker). */
  columns?: number;
  onAux?: (aux: Record<string, unknown>) => void;
}

export class ProgressRenderer {
  /** Terminal mode: layer id → line index within the current in-place block. */
  private ids = new Map<string, number>();
  /** Plain mode: last status printed per id ("" key for lines without an id). */
  private lastStatus = new Map<string, string>();

  constructor(private readonly options: ProgressRendererOptions) {}

  write(m: ProgressMessage): void {
    if (m.aux) {
      this.options.onAux?.(m.aux);
      return;
    }
    if (this.options.tty) this.writeTerminal(m);
    else this.writePlain(m);
  }

  private text(m: ProgressMessage, withBar: boolean): string {
    let s = m.id ? `${m.id}: ` : "";
    if (m.stream !== undefined) return s + m.stream;
    s += m.status ?? "";
    if (withBar) {
      const d = m.progressDetail as { current?: number; total?: number } | undefined;
      const bar = d && (d.current !== undefined || d.total !== undefined)
        ? progressString(d.current ?? 0, d.total ?? 0, this.options.columns ?? 200)
        : (m.progress ?? "");
      if (bar) s += ` ${bar}`;
    }
    return s;
  }

  private writePlain(m: ProgressMessage): void {
    if (hasProgress(m)) return; // docker: "disable progressbar in non-terminal"
    if (m.stream !== undefined) {
      this.options.out.write(m.stream);
      return;
    }
    const key = m.id ?? "";
    const status = m.status ?? "";
    if (m.id !== undefined && this.lastStatus.get(key) === status) return;
    this.lastStatus.set(key, status);
    this.options.out.write(this.text(m, false) + "\n");
  }

  private writeTerminal(m: ProgressMessage): void {
    const out = this.options.out;
    const inPlace = m.id !== undefined && (m.progressDetail !== undefined || m.progress !== undefined);
    let diff = 0;
    if (inPlace) {
      let line = this.ids.get(m.id!);
      if (line === undefined) {
        line = this.ids.size;
        this.ids.set(m.id!, line);
        out.write("\n");
      }
      diff = this.ids.size - line;
      if (diff > 0) out.write(`\x1b[${diff}A`);
      out.write(`\x1b[2K\r${this.text(m, true)}\r`);
      if (diff > 0) out.write(`\x1b[${diff}B`);
      return;
    }
    // Anything that is not a layer line ends the block, as in docker.
    this.ids.clear();
    if (m.stream !== undefined) out.write(m.stream);
    else out.write(this.text(m, false) + "\n");
  }
}
