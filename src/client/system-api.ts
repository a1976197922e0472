/** Daemon-wide operations: the event stream, disk usage and the prunes. */
import type { HttpTransport } from "./http-transport.js";
import { readLines } from "./json-lines.js";
import type { ContainersPruneReport, DiskUsage, EventMessage, ImagesPruneReport, NetworksPruneReport, VolumesPruneReport } from "./ops-types.js";

export type Filters = Record<string, string[]>;

/**
 * Docker's filters query parameter, left out when empty, in the shape the
 * docker CLI sends (filters.ToJSON): name → {value: true} (09-events.txt).
 */
export function filtersQuery(filters: Filters | undefined): string | undefined {
  if (!filters || Object.keys(filters).length === 0) return undefined;
  const encoded: Record<string, Record<string, boolean>> = {};
  for (const [name, values] of Object.entries(filters)) encoded[name] = Object.fromEntries(values.map((v) => [v, true]));
  return JSON.stringify(encoded);
}

export interface EventsOptions {
  /** Unix seconds ("1700000000" or "1700000000.123456789"), as the CLI converts --since/--until. */
  since?: string;
  until?: string;
  filters?: Filters;
  signal?: AbortSignal;
}

export class SystemApi {
  constructor(private readonly transport: HttpTransport) {}

  /**
   * GET /events: messages as they happen; ends at `until` or when aborted.
   * `timeNano` comes back as a bigint string too (`timeNanoExact`): 19 digits do not fit a double.
   */
  async *events(options: EventsOptions = {}): AsyncGenerator<EventMessage & { timeNanoExact: bigint }> {
    const res = await this.transport.request("GET", "/events", {
      query: { since: options.since, until: options.until, filters: filtersQuery(options.filters) },
      dedicated: true,
      signal: options.signal,
    });
    for await (const line of readLines(res)) {
      const message = JSON.parse(line) as EventMessage;
      const exact = /"timeNano":(\d+)/.exec(line)?.[1];
      yield { ...message, timeNanoExact: exact ? BigInt(exact) : BigInt(message.time ?? 0) * 1_000_000_000n };
    }
  }

  diskUsage(): Promise<DiskUsage> {
    return this.transport.json("GET", "/system/df");
  }

  pruneContainers(filters?: Filters): Promise<ContainersPruneReport> {
    return this.transport.json("POST", "/containers/prune", { query: { filters: filtersQuery(filters) } });
  }

  pruneImages(filters?: Filters): Promise<ImagesPruneReport> {
    return this.transport.json("POST", "/images/prune", { query: { filters: filtersQuery(filters) } });
  }

  pruneNetworks(filters?: Filters): Promise<NetworksPruneReport> {
    return this.transport.json("POST", "/networks/prune", { query: { filters: filtersQuery(filters) } });
  }

  pruneVolumes(filters?: Filters): Promise<VolumesPruneReport> {
    return this.transport.json("POST", "/volumes/prune", { query: { filters: filtersQuery(filters) } });
  }
}
