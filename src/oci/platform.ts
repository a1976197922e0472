/**
 * Platforms (os/architecture/variant) with Go's names, as in OCI descriptors
 * and image configs, and matching of this host against them.
 */
import { InvalidArgumentError } from "../errors/index.js";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const NODE_TO_GO_ARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
  mips: "mips",
  mipsel: "mipsle",
  loong64: "loong64",
};

/** Go's GOARCH for a Node `process.arch` value ("x64" → "amd64"). */
export function goArch(nodeArch: string = process.arch): string {
  return NODE_TO_GO_ARCH[nodeArch] ?? nodeArch;
}

/** The platform of this host (always linux for berth). */
export function hostPlatform(): Platform {
  const architecture = goArch();
  return architecture === "arm64" ? { os: "linux", architecture, variant: "v8" } : { os: "linux", architecture };
}

function normaliseArch(p: Platform): { arch: string; variant: string } {
  let arch = p.architecture.toLowerCase();
  let variant = (p.variant ?? "").toLowerCase();
  if (arch === "x86_64" || arch === "x86-64") arch = "amd64";
  if (arch === "aarch64") arch = "arm64";
  if (arch === "arm64" && (variant === "" || variant === "8")) variant = "v8";
  if (arch === "amd64" && variant === "v1") variant = "";
  return { arch, variant };
}

/**
 * True when an image for `candidate` runs on `want`: same os and architecture,
 * and the same variant when both name one (a missing variant matches any).
 */
export function platformMatches(want: Platform, candidate: Platform): boolean {
  if (want.os.toLowerCase() !== candidate.os.toLowerCase()) return false;
  const a = normaliseArch(want);
  const b = normaliseArch(candidate);
  if (a.arch !== b.arch) return false;
  return a.variant === "" || b.variant === "" || a.variant === b.variant;
}

/** Picks the first entry whose platform matches; entries without a platform never match. */
export function selectPlatform<T extends { platform?: Platform }>(entries: readonly T[], want: Platform = hostPlatform()): T | undefined {
  return entries.find((e) => e.platform !== undefined && platformMatches(want, e.platform));
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** A `platform` parameter ("os/arch[/variant]"); empty → undefined. */
export function parsePlatformParam(p: string | undefined): Platform | undefined {
  if (!p) return undefined;
  const [os, architecture, variant] = p.split("/");
  if (!os || !architecture) throw new InvalidArgumentError(`invalid platform ${JSON.stringify(p)}: expected os/arch[/variant]`);
  return variant ? { os, architecture, variant } : { os, architecture };
}
