/**
 * What every handler receives: the request and response, the repository name
 * and reference parsed (and the name validated) by the router, the query, and
 * the registry's stores. Handlers are small functions of this context; they
 * throw RegistryError and the router writes the error body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LocalContentStore } from "../../../store/content/local-content-store.js";
import type { RepositoryStore } from "../repo-store.js";
import type { UploadStore } from "../uploads.js";

export interface RegistryStores {
  content: LocalContentStore;
  repos: RepositoryStore;
  uploads: UploadStore;
}

export interface HandlerContext extends RegistryStores {
  req: IncomingMessage;
  res: ServerResponse;
  /** Repository name (validated), "" for /v2/ and /v2/_catalog. */
  name: string;
  /** The path segment after blobs/, manifests/, uploads/ or referrers/ (not yet validated). */
  ref: string;
  /** Raw request path, without the query. */
  pathname: string;
  query: URLSearchParams;
  /** Whether this request's principal may pull from repository `name` (the source of a cross-repository mount). */
  mayPull(name: string): boolean;
}

export type Handler = (c: HandlerContext) => Promise<void>;
