/**
 * Entry point of the distribution client: hands out RegistryRepository
 * objects for a parsed reference, with the endpoint resolved (plain HTTP for
 * loopback and listed insecure registries), the caller's credentials and
 * scopes bound, and one TokenCache shared by every operation of this client.
 *
 * One RegistryClient lives as long as the image service; a transport (and
 * its ping and challenge) lives for one pull or push.
 *
 *   const client = new RegistryClient({ insecureRegistries: ["reg.lan:5000"] });
 *   const repo = client.repository(parseReference("127.0.0.1:5000/x:1"), { credentials, push: false });
 *   const m = await repo.getManifest("1", signal);
 */
import type { Reference } from "../../oci/reference.js";
import type { Credentials } from "./credentials.js";
import { resolveEndpoint } from "./registry-host.js";
import { RegistryRepository } from "./registry-repository.js";
import { RegistryTransport } from "./registry-transport.js";
import { TokenCache } from "./token-cache.js";

export interface RegistryClientOptions {
  /** Docker's --insecure-registry entries: "host[:port]" or IPv4 CIDRs. Loopback is always insecure. */
  insecureRegistries?: string[];
}

export class RegistryClient {
  readonly tokens = new TokenCache();
  constructor(private readonly o: RegistryClientOptions = {}) {}

  transport(domain: string, credentials: Credentials | undefined, scopes: string[]): RegistryTransport {
    return new RegistryTransport({ endpoint: resolveEndpoint(domain, this.o.insecureRegistries), credentials, tokens: this.tokens, scopes });
  }

  /** A repository handle scoped for pull, or for pull and push. */
  repository(ref: Pick<Reference, "domain" | "path">, o: { credentials?: Credentials; push?: boolean } = {}): RegistryRepository {
    const scope = `repository:${ref.path}:${o.push ? "pull,push" : "pull"}`;
    return new RegistryRepository(this.transport(ref.domain, o.credentials, [scope]), ref.path);
  }
}
