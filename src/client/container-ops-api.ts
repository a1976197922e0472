/**
 * Operations on an existing container beyond its lifecycle: resize, pause,
 * top, stats, update, changes, export, archive (cp) and commit. One method per
 * endpoint; wire shapes in ops-types.ts.
 */
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { IdResponse } from "../apitypes/index.js";
import { DaemonError } from "./errors.js";
import type { HttpTransport } from "./http-transport.js";
import { pathSegment } from "./http-transport.js";
import { readJsonLines } from "./json-lines.js";
import type {
  CommitOptions,
  ContainerTopResponse,
  ContainerUpdateRequest,
  ContainerUpdateResponse,
  FilesystemChange,
  PathStat,
  StatsResponse,
} from "./ops-types.js";

const container = (id: string) => `/containers/${pathSegment(id)}`;

/** Decodes the base64 JSON X-Docker-Container-Path-Stat header. */
export function decodePathStat(header: string | string[] | undefined): PathStat | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  return JSON.parse(Buffer.from(value, "base64").toString("utf8")) as PathStat;
}

export class ContainerOpsApi {
  constructor(private readonly transport: HttpTransport) {}

  resize(id: string, size: { height: number; width: number }): Promise<void> {
    return this.transport.call("POST", `${container(id)}/resize`, { query: { h: size.height, w: size.width } });
  }

  pause(id: string): Promise<void> {
    return this.transport.call("POST", `${container(id)}/pause`);
  }

  unpause(id: string): Promise<void> {
    return this.transport.call("POST", `${container(id)}/unpause`);
  }

  top(id: string, psArgs?: string): Promise<ContainerTopResponse> {
    return this.transport.json("GET", `${container(id)}/top`, { query: { ps_args: psArgs } });
  }

  /** One sample (`stream=false`); the daemon primes precpu_stats itself unless oneShot. */
  statsOnce(id: string, options: { oneShot?: boolean } = {}): Promise<StatsResponse> {
    return this.transport.json("GET", `${container(id)}/stats`, { query: { stream: "0", "one-shot": options.oneShot } });
  }

  /** A sample about every second until `signal` aborts or the container goes away. */
  async *statsStream(id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<StatsResponse> {
    const res = await this.transport.request("GET", `${container(id)}/stats`, { query: { stream: true }, dedicated: true, signal: options.signal });
    yield* readJsonLines<StatsResponse>(res);
  }

  update(id: string, body: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
    return this.transport.json("POST", `${container(id)}/update`, { body });
  }

  changes(id: string): Promise<FilesystemChange[] | null> {
    return this.transport.json("GET", `${container(id)}/changes`);
  }

  /** GET /containers/{id}/export: the root filesystem as a tar stream. */
  export(id: string): Promise<IncomingMessage> {
    return this.transport.request("GET", `${container(id)}/export`);
  }

  /** HEAD /containers/{id}/archive?path=…: the stat of a path, or undefined when it does not exist (404). */
  async statPath(id: string, path: string): Promise<PathStat | undefined> {
    try {
      const res = await this.transport.request("HEAD", `${container(id)}/archive`, { query: { path } });
      res.resume();
      return decodePathStat(res.headers["x-docker-container-path-stat"]);
    } catch (err) {
      // HEAD carries no body, so a missing path is just the status: 404 (the container itself is checked before).
      if (err instanceof DaemonError && err.isNotFound && /^HTTP 404$/.test(err.message)) return undefined;
      throw err;
    }
  }

  /** GET /containers/{id}/archive?path=…: a tar of the path, plus its stat. */
  async getArchive(id: string, path: string): Promise<{ stat: PathStat | undefined; tar: IncomingMessage }> {
    const tar = await this.transport.request("GET", `${container(id)}/archive`, { query: { path } });
    return { stat: decodePathStat(tar.headers["x-docker-container-path-stat"]), tar };
  }

  /** PUT /containers/{id}/archive?path=DIR: extracts a tar into an existing directory. */
  putArchive(id: string, path: string, tar: Readable, options: { noOverwriteDirNonDir?: boolean; copyUidGid?: boolean } = {}): Promise<void> {
    return this.transport.call("PUT", `${container(id)}/archive`, {
      query: { path, noOverwriteDirNonDir: options.noOverwriteDirNonDir, copyUIDGID: options.copyUidGid },
      body: tar,
      headers: { "Content-Type": "application/x-tar" },
    });
  }

  /** POST /commit?container=…: a new image from the container's changes. */
  commit(id: string, options: CommitOptions = {}): Promise<IdResponse> {
    return this.transport.json("POST", "/commit", {
      query: {
        container: id,
        repo: options.repo,
        tag: options.tag,
        comment: options.comment,
        author: options.author,
        // The API pauses by default; the docker CLI sends pause=0 only to opt out (05 transcript).
        pause: options.pause === false ? "0" : undefined,
        changes: options.changes,
      },
      body: options.config ?? {},
    });
  }
}
