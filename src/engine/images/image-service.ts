/**
 * Images as Docker users see them.
 *
 * Terms: image ID = digest of the image config blob (as in Docker);
 * ref = the user's string ("busybox", "sha256:ab…", "ab12"); reference = the
 * parsed, normalised name ("docker.io/library/busybox:latest"). Repo tags are
 * shown the way Docker shows them ("busybox:latest", "localhost:5000/x:1").
 */
import type { Readable } from "node:stream";

/** The subset of the OCI/Docker image config's `config` object berth uses. */
export interface ImageRunConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: unknown;
  OnBuild?: string[] | null;
  Shell?: string[];
  ArgsEscaped?: boolean;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** OCI image config (application/vnd.oci.image.config.v1+json), also Docker's. */
export interface ImageConfigDocument {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ImageRunConfig;
  rootfs: { type: "layers"; diff_ids: string[] };
  history?: HistoryEntry[];
  // Docker-only fields kept for round-trips
  [extra: string]: unknown;
}

export interface Image {
  /** "sha256:<hex>" of the config blob. */
  id: string;
  /** "busybox:latest" style, as Docker lists them. */
  repoTags: string[];
  /** "name@sha256:…" manifest digests known for this image (from pulls/loads). */
  repoDigests: string[];
  config: ImageConfigDocument;
  /** chainId of the topmost layer, or null for an image with no layers. */
  topChainId: string | null;
  /** Unpacked size of all layers. */
  size: number;
  created: Date;
  /** ID of the parent image (local builds/commits only), "" otherwise. */
  parent: string;
}

export interface ImportOptions {
  /** Repository[:tag] to tag the result with. */
  ref?: string;
  message?: string;
  /** Dockerfile-style instructions ("CMD [\"sh\"]", "ENV A=b") applied to the config (docker import --change). */
  changes?: string[];
  platform?: { os?: string; architecture?: string };
}

/** docker commit: what the new image gets besides the layer (see commit-image.ts). */
export interface CommitOptions {
  /** The container's image: the new image's parent and base. */
  parentImageId: string;
  /** The new image's complete run config. */
  config: ImageRunConfig;
  comment?: string;
  author?: string;
  /** History's created_by (Docker: the container's command). */
  createdBy?: string;
  containerId?: string;
  /** Repository[:tag] to tag the result with. */
  ref?: string;
}

export interface LoadProgress {
  /** A line like Docker's: "Loaded image: busybox:latest" or "Loaded image ID: sha256:…". */
  stream: string;
}

export interface RemoveResult {
  Untagged?: string;
  Deleted?: string;
}

/** Registry credentials: the decoded X-Registry-Auth header or a login body. Empty means anonymous. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identityToken?: string;
  registryToken?: string;
  serverAddress?: string;
}

/**
 * One progress message of a pull or push, shaped like Docker's JSON progress
 * lines without the rendered bar (api/ renders it): `id` is a short layer ID
 * or a tag, `current`/`total` are bytes, `aux` is push's final {Tag, Digest, Size}.
 */
export interface ProgressEvent {
  id?: string;
  status?: string;
  current?: number;
  total?: number;
  aux?: { Tag: string; Digest: string; Size: number };
  /** A plain message for `id` (moby progress.Message: no progressDetail), e.g. "Pulling from x". */
  isMessage?: boolean;
}

export interface PullOptions {
  auth?: RegistryAuth;
  /** The platform to pick from an index; this host's (linux/amd64 here) when absent. */
  platform?: { os: string; architecture: string; variant?: string };
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

export interface PushOptions {
  auth?: RegistryAuth;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

export interface PushResult {
  tag: string;
  digest: string;
  size: number;
}

export interface ImageService {
  /** Resolves a ref (name[:tag], name@digest, full or short ID) to an image; NotFoundError "No such image: <ref>". */
  get(ref: string): Promise<Image>;
  list(opts?: { all?: boolean; filters?: Record<string, string[]> }): Promise<Image[]>;
  /** docker import: a rootfs tarball (plain or gzip) becomes a one-layer image. */
  importRootfs(tar: Readable, opts: ImportOptions): Promise<Image>;
  /** docker load: docker-archive or OCI image layout tarball. Returns one message per loaded image. */
  load(tar: Readable): Promise<LoadProgress[]>;
  /**
   * docker save: writes one tar containing both the docker-archive format
   * (manifest.json, repositories) and an OCI image layout (oci-layout, index.json, blobs/).
   */
  save(refs: string[], out: NodeJS.WritableStream): Promise<void>;
  tag(ref: string, newRef: string): Promise<void>;
  /**
   * docker rmi: untags when the ref is a tag and other tags remain, deletes when
   * it was the last tag or an ID. ConflictError when a container uses it
   * (unless force). `isImageInUse` is supplied by the container service.
   */
  remove(ref: string, opts: { force?: boolean; noPrune?: boolean }): Promise<RemoveResult[]>;
  history(ref: string): Promise<Array<{ Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }>>;
  /** docker commit: `layer` (a plain OCI layer tar) on top of the parent image becomes a new image. */
  commitLayer?(layer: Readable, opts: CommitOptions): Promise<Image>;
  /** docker pull: `ref` is name[:tag] or name@digest (tag defaults to latest). Errors before the first progress event mean nothing was started. */
  pull?(ref: string, opts: PullOptions): Promise<Image>;
  /** docker push of a local name[:tag]: blobs the registry lacks, then the manifest by tag. */
  push?(ref: string, opts: PushOptions): Promise<PushResult>;
  /** docker login: checks the credentials against the registry; UnauthorizedError when refused. */
  login?(auth: RegistryAuth, signal?: AbortSignal): Promise<{ status: string; identityToken: string }>;
}

/** Supplied by the container service so that images never import containers. */
export type ImageUseCheck = (imageId: string) => Promise<{ inUse: boolean; running: boolean; containerId?: string }>;
