/**
 * Typed Docker Engine API client over a unix socket, used by the berth CLI and
 * the integration tests. One method per endpoint; options objects in
 * camelCase, wire shapes from apitypes/ in PascalCase. Errors: DaemonError
 * (status + Docker's message), DaemonUnreachableError, StreamError.
 */
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type {
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspectResponse,
  ContainerSummary,
  ContainerWaitResponse,
  HistoryResponseItem,
  ImageDeleteResponseItem,
  ImageInspect,
  ImageSummary,
  ProgressMessage,
  SystemInfo,
  SystemVersion,
  WaitCondition,
} from "../apitypes/index.js";
import { AttachStream } from "./attach-stream.js";
import { collectProgress, readJsonLines } from "./json-lines.js";
import { HttpTransport, pathSegment, readText } from "./http-transport.js";
import { resolveSocketPath } from "./host.js";
import { ExecApi } from "./exec-api.js";
import { ContainerOpsApi } from "./container-ops-api.js";
import { SystemApi } from "./system-api.js";
import { encodeRegistryAuth, type RegistryAuthConfig } from "./registry-auth.js";

export interface EngineClientOptions {
  /** Socket path; default from BERTH_HOST / DOCKER_HOST / /run/berth/berth.sock. */
  socketPath?: string;
  /** Skip negotiation and use this API version ("1.41"). */
  apiVersion?: string;
}

export interface ListContainersOptions {
  all?: boolean;
  limit?: number;
  size?: boolean;
  /** {"status":["running"],"name":["web"]} — sent as JSON as Docker expects. */
  filters?: Record<string, string[]>;
}

export interface AttachOptions {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Replay the log before streaming. */
  logs?: boolean;
  detachKeys?: string;
  /** Whether the container has a TTY; looked up with inspect when omitted. */
  tty?: boolean;
}

export interface LogsOptions {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  /** A number of lines or "all". */
  tail?: string;
}

export interface PendingWait {
  /** Settles when the container reaches the condition. */
  result: Promise<ContainerWaitResponse>;
  /** Drops the request (run -d does this once start succeeded, 03 transcript). */
  cancel(): void;
}

export interface ImportImageOptions {
  repo?: string;
  tag?: string;
  message?: string;
  /** Dockerfile instructions applied to the config ("ENV PATH=/bin", "CMD [\"sh\"]"). */
  changes?: string[];
  onProgress?: (message: ProgressMessage) => void;
}

export interface BuildImageOptions {
  tags?: string[];
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  quiet?: boolean;
  cacheFrom?: string[];
  network?: string;
  rm?: boolean;
  forceRm?: boolean;
  registryConfig?: Record<string, unknown>;
}

/** One line of the classic builder's stream. */
export interface BuildMessage {
  stream?: string;
  aux?: { ID?: string };
}

export class EngineClient {
  readonly transport: HttpTransport;
  /** exec create/start/resize/inspect */
  readonly exec: ExecApi;
  /** resize, pause, top, stats, update, changes, export, archive, commit */
  readonly containerOps: ContainerOpsApi;
  /** events, df, prunes */
  readonly system: SystemApi;

  constructor(options: EngineClientOptions = {}) {
    this.transport = new HttpTransport(options.socketPath ?? resolveSocketPath(), options.apiVersion);
    this.exec = new ExecApi(this.transport);
    this.containerOps = new ContainerOpsApi(this.transport);
    this.system = new SystemApi(this.transport);
  }

  get socketPath(): string {
    return this.transport.socketPath;
  }

  /** GET /_ping → "OK". Also performs version negotiation. */
  async ping(): Promise<string> {
    const res = await this.transport.requestRaw("GET", "/_ping");
    await this.transport.apiVersion();
    return readText(res);
  }

  apiVersion(): Promise<string> {
    return this.transport.apiVersion();
  }

  version(): Promise<SystemVersion> {
    return this.transport.json("GET", "/version");
  }

  info(): Promise<SystemInfo> {
    return this.transport.json("GET", "/info");
  }

  // ---- containers ------------------------------------------------------

  createContainer(body: ContainerCreateRequest, options: { name?: string; platform?: string } = {}): Promise<ContainerCreateResponse> {
    return this.transport.json("POST", "/containers/create", { query: { name: options.name, platform: options.platform }, body });
  }

  startContainer(id: string, options: { detachKeys?: string } = {}): Promise<void> {
    // A dedicated connection: the docker CLI starts while wait is outstanding (02 transcript, conn#3).
    return this.transport.call("POST", `/containers/${pathSegment(id)}/start`, { query: { detachKeys: options.detachKeys }, dedicated: true });
  }

  stopContainer(id: string, options: { timeout?: number; signal?: string } = {}): Promise<void> {
    return this.transport.call("POST", `/containers/${pathSegment(id)}/stop`, { query: { t: options.timeout, signal: options.signal } });
  }

  restartContainer(id: string, options: { timeout?: number; signal?: string } = {}): Promise<void> {
    return this.transport.call("POST", `/containers/${pathSegment(id)}/restart`, { query: { t: options.timeout, signal: options.signal } });
  }

  killContainer(id: string, options: { signal?: string } = {}): Promise<void> {
    return this.transport.call("POST", `/containers/${pathSegment(id)}/kill`, { query: { signal: options.signal } });
  }

  removeContainer(id: string, options: { force?: boolean; volumes?: boolean; link?: boolean } = {}): Promise<void> {
    return this.transport.call("DELETE", `/containers/${pathSegment(id)}`, { query: { force: options.force, v: options.volumes, link: options.link } });
  }

  renameContainer(id: string, newName: string): Promise<void> {
    return this.transport.call("POST", `/containers/${pathSegment(id)}/rename`, { query: { name: newName } });
  }

  inspectContainer(id: string, options: { size?: boolean } = {}): Promise<ContainerInspectResponse> {
    return this.transport.json("GET", `/containers/${pathSegment(id)}/json`, { query: { size: options.size } });
  }

  listContainers(options: ListContainersOptions = {}): Promise<ContainerSummary[]> {
    const filters = options.filters && Object.keys(options.filters).length > 0 ? JSON.stringify(options.filters) : undefined;
    return this.transport.json("GET", "/containers/json", { query: { all: options.all, limit: options.limit, size: options.size, filters } });
  }

  /**
   * Registers a wait and resolves once the daemon has sent the response
   * headers, so the condition is armed before the caller starts the container
   * (with --rm, `removed` could otherwise miss the removal).
   */
  async beginWait(id: string, options: { condition?: WaitCondition } = {}): Promise<PendingWait> {
    const controller = new AbortController();
    const res = await this.transport.request("POST", `/containers/${pathSegment(id)}/wait`, {
      query: { condition: options.condition },
      dedicated: true,
      signal: controller.signal,
    });
    const result = (async () => {
      for await (const item of readJsonLines<ContainerWaitResponse>(res)) return item;
      throw new Error(`wait for ${id}: the daemon closed the stream without a result`);
    })();
    result.catch(() => undefined); // cancel() makes it reject; callers that cancel do not await it.
    return { result, cancel: () => controller.abort() };
  }

  async wait(id: string, options: { condition?: WaitCondition } = {}): Promise<ContainerWaitResponse> {
    return (await this.beginWait(id, options)).result;
  }

  /** POST /containers/{id}/attach with the 101 upgrade; the stream starts before `start` in `run`. */
  async attach(id: string, options: AttachOptions = {}): Promise<AttachStream> {
    const tty = options.tty ?? (await this.inspectContainer(id)).Config.Tty ?? false;
    const { socket } = await this.transport.hijack("POST", `/containers/${pathSegment(id)}/attach`, {
      query: {
        logs: options.logs,
        stream: true,
        stdin: options.stdin,
        stdout: options.stdout ?? true,
        stderr: options.stderr ?? true,
        detachKeys: options.detachKeys,
      },
    });
    return new AttachStream(socket, tty);
  }

  /** GET /containers/{id}/logs: the raw body, stdcopy-framed unless the container has a TTY (03 transcript). */
  logs(id: string, options: LogsOptions = {}): Promise<IncomingMessage> {
    return this.transport.request("GET", `/containers/${pathSegment(id)}/logs`, {
      query: {
        follow: options.follow,
        stdout: options.stdout ?? true,
        stderr: options.stderr ?? true,
        since: options.since,
        until: options.until,
        timestamps: options.timestamps,
        tail: options.tail ?? "all",
      },
      dedicated: options.follow,
    });
  }

  // ---- images ----------------------------------------------------------

  listImages(options: { all?: boolean; filters?: Record<string, string[]> } = {}): Promise<ImageSummary[]> {
    const filters = options.filters && Object.keys(options.filters).length > 0 ? JSON.stringify(options.filters) : undefined;
    return this.transport.json("GET", "/images/json", { query: { all: options.all, filters } });
  }

  inspectImage(name: string): Promise<ImageInspect> {
    return this.transport.json("GET", `/images/${pathSegment(name)}/json`);
  }

  imageHistory(name: string): Promise<HistoryResponseItem[]> {
    return this.transport.json("GET", `/images/${pathSegment(name)}/history`);
  }

  tagImage(source: string, repo: string, tag?: string): Promise<void> {
    return this.transport.call("POST", `/images/${pathSegment(source)}/tag`, { query: { repo, tag } });
  }

  removeImage(name: string, options: { force?: boolean; noPrune?: boolean } = {}): Promise<ImageDeleteResponseItem[]> {
    return this.transport.json("DELETE", `/images/${pathSegment(name)}`, { query: { force: options.force, noprune: options.noPrune } });
  }

  /** POST /images/create?fromSrc=- with a rootfs tarball as the chunked body. */
  async importImage(tarball: Readable, options: ImportImageOptions = {}): Promise<ProgressMessage[]> {
    const res = await this.transport.request("POST", "/images/create", {
      query: { fromSrc: "-", repo: options.repo, tag: options.tag, message: options.message, changes: options.changes },
      body: tarball,
      headers: { "Content-Type": "application/x-tar" },
    });
    return collectProgress(res, options.onProgress);
  }

  /** POST /images/load; quiet=1 is what `docker load` sends (06 transcript). */
  async loadImage(tarball: Readable, options: { quiet?: boolean; onProgress?: (m: ProgressMessage) => void } = {}): Promise<ProgressMessage[]> {
    const res = await this.transport.request("POST", "/images/load", {
      query: { quiet: options.quiet ?? true },
      body: tarball,
      headers: { "Content-Type": "application/x-tar" },
    });
    return collectProgress(res, options.onProgress);
  }

  /**
   * POST /build with the context tar as the chunked body (07 transcript). Every
   * JSON line goes to `onMessage` as it arrives; an in-stream error ends it with
   * a StreamError carrying errorDetail.code (a failing RUN's exit code).
   */
  async build(context: Readable, options: BuildImageOptions, onMessage: (m: BuildMessage) => void): Promise<void> {
    const res = await this.transport.request("POST", "/build", {
      query: {
        t: options.tags,
        dockerfile: options.dockerfile,
        buildargs: options.buildArgs && Object.keys(options.buildArgs).length ? JSON.stringify(options.buildArgs) : undefined,
        labels: options.labels && Object.keys(options.labels).length ? JSON.stringify(options.labels) : undefined,
        target: options.target,
        nocache: options.noCache || undefined,
        pull: options.pull || undefined,
        q: options.quiet || undefined,
        cachefrom: options.cacheFrom?.length ? JSON.stringify(options.cacheFrom) : undefined,
        networkmode: options.network,
        rm: options.rm === false ? false : undefined,
        forcerm: options.forceRm || undefined,
      },
      body: context,
      headers: { "Content-Type": "application/x-tar", "X-Registry-Config": Buffer.from(JSON.stringify(options.registryConfig ?? {})).toString("base64url") },
      dedicated: true,
    });
    await collectProgress(res, (m) => onMessage(m as BuildMessage));
  }

  /** POST /build/prune → {CachesDeleted, SpaceReclaimed}. */
  pruneBuildCache(options: { all?: boolean } = {}): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.transport.json("POST", "/build/prune", { query: { all: options.all || undefined } });
  }

  /** GET /images/get?names=…: a docker-archive tar stream. */
  saveImages(names: string[]): Promise<IncomingMessage> {
    return this.transport.request("GET", "/images/get", { query: { names } });
  }

  /**
   * POST /images/create?fromImage=NAME&tag=TAG|DIGEST with X-Registry-Auth (10 transcript).
   * Reads the JSON progress stream to its end; StreamError on an in-stream error.
   */
  async pullImage(
    fromImage: string,
    options: { tag?: string; platform?: string; auth?: RegistryAuthConfig; onProgress?: (m: ProgressMessage) => void } = {},
  ): Promise<ProgressMessage[]> {
    const res = await this.transport.request("POST", "/images/create", {
      query: { fromImage, tag: options.tag, platform: options.platform || undefined },
      headers: { "X-Registry-Auth": encodeRegistryAuth(options.auth) },
      dedicated: true,
    });
    return collectProgress(res, options.onProgress);
  }

  /** POST /images/{name}/push?tag=TAG with X-Registry-Auth (10 transcript). */
  async pushImage(
    name: string,
    options: { tag?: string; auth?: RegistryAuthConfig; onProgress?: (m: ProgressMessage) => void } = {},
  ): Promise<ProgressMessage[]> {
    const res = await this.transport.request("POST", `/images/${pathSegment(name)}/push`, {
      query: { tag: options.tag },
      headers: { "X-Registry-Auth": encodeRegistryAuth(options.auth) },
      dedicated: true,
    });
    return collectProgress(res, options.onProgress);
  }

  /** POST /auth {username,password,serveraddress} → {Status, IdentityToken} (11 transcript). */
  login(auth: RegistryAuthConfig): Promise<{ Status: string; IdentityToken?: string }> {
    return this.transport.json("POST", "/auth", { body: { username: auth.username ?? "", password: auth.password ?? "", serveraddress: auth.serveraddress ?? "" } });
  }

  close(): void {
    this.transport.close();
  }
}
