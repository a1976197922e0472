/**
 * Learns that containers exited. conmon writes <exitDir>/<id> when a
 * container's process exits; inotify (fs.watch) on that one directory tells
 * berthd at once, and a slow poll covers events lost while the watcher was
 * being set up. Exits that happened while berthd was down are found by the
 * engine's reconcile at start.
 */
import { promises as fs, watch, type FSWatcher } from "node:fs";

export class ExitMonitor {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly exitDir: string,
    private readonly onExitFile: (id: string) => void,
  ) {}

  async start(): Promise<void> {
    await fs.mkdir(this.exitDir, { recursive: true });
    this.watcher = watch(this.exitDir, (_event, name) => {
      if (name && /^[0-9a-f]{64}$/.test(name)) this.onExitFile(name);
    });
    this.watcher.on("error", () => {});
    this.timer = setInterval(() => void this.scan(), 2000);
    this.timer.unref();
  }

  async scan(): Promise<void> {
    try {
      for (const name of await fs.readdir(this.exitDir)) if (/^[0-9a-f]{64}$/.test(name)) this.onExitFile(name);
    } catch {
      /* directory vanished: nothing to report */
    }
  }

  stop(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
  }
}
