/**
 * Which daemon to talk to. Precedence, as in the docker CLI: `-H/--host`,
 * then BERTH_HOST, then DOCKER_HOST, then the default socket. Only unix://
 * (or a bare absolute path) for now; tcp:// with TLS comes with the daemon's
 * TCP listener.
 */
export const DEFAULT_SOCKET = "/run/berth/berth.sock";

export interface HostSources {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export class UnsupportedHostError extends Error {}

/** Returns the unix socket path of the daemon. */
export function resolveSocketPath(sources: HostSources = {}): string {
  const env = sources.env ?? process.env;
  const host = sources.flag || env.BERTH_HOST || env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
  return parseHost(host);
}

export function parseHost(host: string): string {
  if (host.startsWith("unix://")) {
    const path = host.slice("unix://".length);
    if (!path.startsWith("/")) throw new UnsupportedHostError(`invalid unix socket path in host ${JSON.stringify(host)}`);
    return path;
  }
  if (host.startsWith("/")) return host;
  throw new UnsupportedHostError(`unsupported host ${JSON.stringify(host)}: only unix:// sockets are supported`);
}
