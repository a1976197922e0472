/** /volumes: list, create, inspect, remove (prune is in SystemApi with the other prunes). */
import { pathSegment, type HttpTransport } from "./http-transport.js";
import { filtersQuery, type Filters } from "./system-api.js";

/** Docker's Volume object (v1.43.yaml "Volume"). */
export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: string;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

export class VolumeApi {
  constructor(private readonly transport: HttpTransport) {}

  list(filters?: Filters): Promise<{ Volumes: Volume[] | null; Warnings: string[] | null }> {
    return this.transport.json("GET", "/volumes", { query: { filters: filtersQuery(filters) } });
  }

  create(body: VolumeCreateRequest): Promise<Volume> {
    return this.transport.json("POST", "/volumes/create", { body });
  }

  inspect(name: string): Promise<Volume> {
    return this.transport.json("GET", `/volumes/${pathSegment(name)}`);
  }

  remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.transport.call("DELETE", `/volumes/${pathSegment(name)}`, { query: { force: options.force } });
  }
}
