/**
 * Image references, parsed and normalised exactly as Docker does
 * (github.com/distribution/reference: regexp.go, normalize.go, reference.go).
 *
 * Terms: a *ref* is the user's string ("busybox", "user/x:1",
 * "localhost:5000/x@sha256:…"); a *reference* is the parsed, normalised form
 * with an explicit domain and path ("docker.io/library/busybox"), an optional
 * tag and an optional digest. `familiarString` turns a reference back into
 * the short form Docker prints ("busybox:latest").
 *
 * Grammar:
 *   reference   := name [ ":" tag ] [ "@" digest ]
 *   name        := [domain "/"] path-component ["/" path-component]*
 *   domain      := host [":" port]            host: DNS name or [IPv6]
 *   path-comp   := [a-z0-9]+ ( ( [._] | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag         := [\w][\w.-]{0,127}
 *   digest      := algorithm ":" hex{32,}
 * The first component is a domain when it contains "." or ":", is
 * "localhost", or has an uppercase letter; otherwise the domain is docker.io,
 * and a single-component path gets the "library/" prefix.
 */
import { InvalidArgumentError } from "../errors/index.js";

export const DEFAULT_DOMAIN = "docker.io";
export const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
export const OFFICIAL_REPO_PREFIX = "library/";
export const DEFAULT_TAG = "latest";
export const NAME_TOTAL_LENGTH_MAX = 255;

const alnum = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const namePat = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tagPat = "[\\w][\\w.-]{0,127}";
const digestPat = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE_RE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const ANCHORED_ID_RE = /^[a-f0-9]{64}$/;
const TAG_RE = new RegExp(`^${tagPat}$`);

export interface Reference {
  /** "docker.io", "localhost:5000", "ghcr.io". */
  domain: string;
  /** "library/busybox", "user/x". */
  path: string;
  tag?: string;
  digest?: string;
}

function invalid(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message);
}

function validateDigest(d: string): void {
  const [alg, hex] = d.split(":", 2) as [string, string];
  if (alg === "sha256" && !/^[a-f0-9]{64}$/.test(hex)) throw invalid("invalid reference format");
  if (alg === "sha512" && !/^[a-f0-9]{128}$/.test(hex)) throw invalid("invalid reference format");
  if (alg !== "sha256" && alg !== "sha512" && alg !== "sha384") throw invalid("invalid reference format");
}

/** Parses a fully-qualified reference string (no defaults applied). */
function parseFull(s: string): { name: string; tag?: string; digest?: string } {
  const m = REFERENCE_RE.exec(s);
  if (!m) {
    if (s === "") throw invalid("invalid reference format: repository name must have at least one component");
    if (REFERENCE_RE.test(s.toLowerCase())) throw invalid("invalid reference format: repository name must be lowercase");
    throw invalid("invalid reference format");
  }
  const name = m[1]!;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(`invalid reference format: repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  if (m[3] !== undefined) validateDigest(m[3]);
  return { name, tag: m[2], digest: m[3] };
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf("/");
  let domain: string;
  let remainder: string;
  const first = i === -1 ? "" : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/**
 * ParseNormalizedNamed: "busybox" → {docker.io, library/busybox}. The tag is
 * NOT defaulted (see withDefaultTag). InvalidArgumentError on bad input, with
 * Docker's messages.
 */
export function parseReference(ref: string): Reference {
  if (typeof ref !== "string") throw invalid("invalid reference format");
  if (ANCHORED_ID_RE.test(ref)) {
    throw invalid(`invalid repository name (${ref}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(ref);
  const colon = remainder.indexOf(":");
  const remoteName = colon > -1 ? remainder.slice(0, colon) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw invalid(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const parsed = parseFull(`${domain}/${remainder}`);
  const slash = parsed.name.indexOf("/");
  const out: Reference = { domain: parsed.name.slice(0, slash), path: parsed.name.slice(slash + 1) };
  if (parsed.tag !== undefined) out.tag = parsed.tag;
  if (parsed.digest !== undefined) out.digest = parsed.digest;
  return out;
}

/** TagNameOnly: adds ":latest" when the reference has neither tag nor digest. */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** parseReference + withDefaultTag: the form used as a key in the tag store. */
export function normalizeReference(ref: string): Reference {
  return withDefaultTag(parseReference(ref));
}

/** "docker.io/library/busybox" */
export function referenceName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** Full string: "docker.io/library/busybox:latest", "localhost:5000/x@sha256:…". */
export function referenceString(ref: Reference): string {
  let s = referenceName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** FamiliarName: "docker.io/library/busybox" → "busybox", "docker.io/user/x" → "user/x". */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return referenceName(ref);
  const p = ref.path;
  if (p.startsWith(OFFICIAL_REPO_PREFIX) && !p.slice(OFFICIAL_REPO_PREFIX.length).includes("/")) {
    return p.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return p;
}

/** FamiliarString: "docker.io/library/busybox:latest" → "busybox:latest". Accepts a string or a Reference. */
export function familiarString(ref: Reference | string): string {
  const r = typeof ref === "string" ? parseReference(ref) : ref;
  let s = familiarName(r);
  if (r.tag !== undefined) s += `:${r.tag}`;
  if (r.digest !== undefined) s += `@${r.digest}`;
  return s;
}

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** A tag reference "name:tag" (drops a digest), as `docker tag` and docker-archive RepoTags use. */
export function isTagged(ref: Reference): ref is Reference & { tag: string } {
  return ref.tag !== undefined;
}
