/**
 * The exec lifecycle (moby api/server/router/container/exec.go):
 * POST /containers/{id}/exec creates an exec instance (nothing runs yet);
 * POST /exec/{id}/start runs it, hijacking the connection unless Detach;
 * POST /exec/{id}/resize follows the client's terminal; GET /exec/{id}/json
 * reports Running and the ExitCode once the process is gone.
 */
import type { IdResponse } from "../apitypes/index.js";
import { AttachStream } from "./attach-stream.js";
import type { HttpTransport } from "./http-transport.js";
import { pathSegment } from "./http-transport.js";
import type { ExecCreateRequest, ExecInspect } from "./ops-types.js";

export class ExecApi {
  constructor(private readonly transport: HttpTransport) {}

  create(container: string, body: ExecCreateRequest): Promise<IdResponse> {
    return this.transport.json("POST", `/containers/${pathSegment(container)}/exec`, { body });
  }

  /** Starts attached: the hijacked stream is raw with a TTY and stdcopy-framed without. */
  async startAttached(id: string, options: { tty: boolean; consoleSize?: [number, number] }): Promise<AttachStream> {
    const { socket } = await this.transport.hijack("POST", `/exec/${pathSegment(id)}/start`, {
      body: { Detach: false, Tty: options.tty, ConsoleSize: options.consoleSize },
    });
    return new AttachStream(socket, options.tty);
  }

  /** Starts in the background (`exec -d`): a plain 200, no stream. */
  startDetached(id: string, options: { tty?: boolean } = {}): Promise<void> {
    return this.transport.call("POST", `/exec/${pathSegment(id)}/start`, { body: { Detach: true, Tty: Boolean(options.tty) } });
  }

  resize(id: string, size: { height: number; width: number }): Promise<void> {
    return this.transport.call("POST", `/exec/${pathSegment(id)}/resize`, { query: { h: size.height, w: size.width } });
  }

  inspect(id: string): Promise<ExecInspect> {
    return this.transport.json("GET", `/exec/${pathSegment(id)}/json`);
  }
}
