import { ImageChangelogError } from '../util/errors.js';

/** Docker Hub's API host; `docker.io` and `index.docker.io` are names for it in references. */
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** Whether a host name (any case, no port) is one of Docker Hub's names. */
export function isDockerHubHost(host: string): boolean {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase());
}

/** A parsed image reference: where the image lives and which one. */
export interface ImageReference {
  /** API host (with port when given): `registry-1.docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** Repository path inside the registry: `library/nginx`, `org/app`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** The input as given. */
  original: string;
}

// The grammar of github.com/distribution/reference, in pieces.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
const DOMAIN_LABEL = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
const MAX_NAME_LENGTH = 255;

function bad(input: string, why: string): ImageChangelogError {
  return new ImageChangelogError('REFERENCE_INVALID', `invalid image reference "${input}": ${why}`, {
    subject: input,
    hint: 'expected [host[:port]/]path[:tag][@sha256:digest], e.g. ghcr.io/org/app:1.2.3',
  });
}

export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

function isValidDomain(domain: string): boolean {
  if (/^\[[0-9a-fA-F:.]+\](?::\d{1,5})?$/.test(domain)) return true; // [::1]:5000
  const [host, port, ...rest] = domain.split(':');
  if (rest.length > 0 || host === undefined || host === '') return false;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return false;
  return host.split('.').every((label) => DOMAIN_LABEL.test(label));
}

/**
 * Parse a reference the way Docker does: the first path component is a registry host only when it
 * contains `.` or `:` or is `localhost`; otherwise the image is on Docker Hub, where one-component
 * names live under `library/`.
 */
export function parseReference(input: string): ImageReference {
  const text = input.trim();
  if (text === '') throw bad(input, 'it is empty');
  if (text.length > 4096) throw bad(input.slice(0, 80) + '…', 'it is too long');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(input, `"${digest}" is not a digest (sha256:<64 hex>)`);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(input, `"${tag}" is not a valid tag`);
  }

  const parts = rest.split('/');
  let registry = DOCKER_HUB_REGISTRY;
  const first = parts[0] ?? '';
  if (
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))
  ) {
    if (!isValidDomain(first)) throw bad(input, `"${first}" is not a valid registry host`);
    registry = isDockerHubHost(first) ? DOCKER_HUB_REGISTRY : first;
    parts.shift();
  }
  if (parts.length === 0 || parts.some((p) => p === '')) throw bad(input, 'the repository path is empty');
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      const why = /[A-Z]/.test(p)
        ? 'repository names must be lowercase'
        : `"${p}" is not a valid path component`;
      throw bad(input, why);
    }
  }
  let repository = parts.join('/');
  if (registry === DOCKER_HUB_REGISTRY && parts.length === 1) repository = `library/${repository}`;
  if (repository.length > MAX_NAME_LENGTH)
    throw bad(input, 'the repository name is longer than 255 characters');

  const ref: ImageReference = { registry, repository, original: input };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = 'latest';
  return ref;
}

/** What to ask the registry for: the digest when pinned, else the tag. */
export function referenceTarget(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** The canonical text form: `registry/repository[:tag][@digest]`. */
export function formatReference(
  ref: Pick<ImageReference, 'registry' | 'repository' | 'tag' | 'digest'>,
): string {
  const registry = ref.registry === DOCKER_HUB_REGISTRY ? 'docker.io' : ref.registry;
  let out = `${registry}/${ref.repository}`;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** Host without port, lowercase, brackets removed: what loopback/insecure checks compare. */
export function hostnameOf(registry: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(registry);
  if (m?.[1] !== undefined) return m[1].toLowerCase();
  return (registry.split(':')[0] ?? registry).toLowerCase();
}

/** A repository path as the distribution spec allows it, else REFERENCE_INVALID (it goes into URLs). */
export function assertRepositoryName(repo: { repository: string }): void {
  if (
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
      repo.repository,
    )
  ) {
    throw new ImageChangelogError('REFERENCE_INVALID', `invalid repository name "${repo.repository}"`, {
      subject: repo.repository,
    });
  }
}
