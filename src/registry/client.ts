import { readCapped } from '../util/read-capped.js';
import { createHash } from 'node:crypto';
import type { RequestOptions } from 'node:https';
import type { Readable } from 'node:stream';
import { ImageChangelogError, type ErrorCode } from '../util/errors.js';
import {
  ACCEPT_MANIFEST_TYPES,
  DOCKER_SCHEMA1_MANIFEST,
  DOCKER_SCHEMA1_SIGNED_MANIFEST,
} from '../oci/media-types.js';
import { RegistryAuth } from './auth.js';
import { openVerifiedBlob } from './blob-stream.js';
import { CredentialStore, type CredentialOptions } from './credentials.js';
import { header, isLoopbackHost, readBody, send, type HttpResponse } from './http.js';
import { ConcurrencyLimiter } from '../util/limit.js';
import {
  assertRepositoryName,
  formatReference,
  hostnameOf,
  isValidDigest,
  referenceTarget,
  type ImageReference,
} from '../oci/reference.js';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry.js';
import { nextLink } from './link-header.js';
import { requestFailure, statusFailure } from './failures.js';

export { nextLink };

/**
 * Every manifest type we read, always all of them: a distribution registry answers 404 for an OCI
 * manifest asked for with Docker types only, and converts a Docker schema 2 manifest down to schema 1
 * when asked with OCI types only. Schema 1 is never asked for.
 */
export const MANIFEST_ACCEPT = ACCEPT_MANIFEST_TYPES.join(', ');

export interface RegistryClientOptions {
  /** A shared store (so the adapter can mask its secrets), or options to make one. */
  credentials?: CredentialStore | CredentialOptions;
  /** Hosts (`host` or `host:port`) that may be reached over plain HTTP besides loopback ones. */
  insecureRegistries?: string[];
  retry?: Partial<RetryPolicy>;
  /** A request fails when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** A request other than a blob download fails when it takes longer than this in all (default 2 min). */
  requestDeadlineMs?: number;
  /** Blob downloads at once (default 4). */
  blobConcurrency?: number;
  /** Largest manifest accepted (default 4 MiB, the distribution spec's limit). */
  maxManifestBytes?: number;
  userAgent?: string;
  /** TLS options for https connections (e.g. a private CA). */
  tls?: RequestOptions;
}

/** A repository in a registry. */
export interface RepositoryRef {
  registry: string;
  repository: string;
}

export interface FetchedManifest {
  /** Verified digest of `bytes`. */
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface BlobOptions {
  size?: number;
  onProgress?: (bytes: number, total: number | undefined) => void;
}

const SCHEMA1_TYPES = new Set([DOCKER_SCHEMA1_MANIFEST, DOCKER_SCHEMA1_SIGNED_MANIFEST]);

/** A registry request fails when no byte arrives for this long. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** The longest a registry request other than a blob download may take, head and body (a token, a manifest, a tag page). */
export const DEFAULT_REQUEST_DEADLINE_MS = 120_000;
/** A blob download may take this long plus its size at BLOB_DEADLINE_MIN_BYTES_PER_SECOND. */
export const BLOB_DEADLINE_BASE_MS = 10 * 60_000;
export const BLOB_DEADLINE_MIN_BYTES_PER_SECOND = 256 * 1024;
/** Tag listing (`previous: auto`): pages followed, bytes per page, and bytes in all. */
export const TAG_LIST_MAX_PAGES = 100;
export const TAG_LIST_MAX_PAGE_BYTES = 4 * 1024 * 1024;
export const TAG_LIST_MAX_BYTES = 16 * 1024 * 1024;

/** The OCI distribution API: manifests, blobs and tags, with auth, retries and verification. */
export class RegistryClient {
  readonly credentials: CredentialStore;
  private readonly retry: RetryPolicy;
  private readonly idleTimeoutMs: number;
  private readonly requestDeadlineMs: number;
  private readonly maxManifestBytes: number;
  private readonly insecure: Set<string>;
  private readonly auths = new Map<string, RegistryAuth>();
  private readonly blobLimiter: ConcurrencyLimiter;

  constructor(private readonly options: RegistryClientOptions = {}) {
    const c = options.credentials;
    this.credentials = c instanceof CredentialStore ? c : new CredentialStore(c ?? {});
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.requestDeadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
    this.maxManifestBytes = options.maxManifestBytes ?? 4 * 1024 * 1024;
    this.insecure = new Set((options.insecureRegistries ?? []).map((h) => h.toLowerCase()));
    this.blobLimiter = new ConcurrencyLimiter(options.blobConcurrency ?? 4);
  }

  /** Every secret used so far (passwords, tokens), for the adapter to mask. */
  collectSecrets(): string[] {
    return this.credentials.collectSecrets();
  }

  /** Plain HTTP is allowed for loopback hosts and the hosts listed as insecure. */
  allowsPlainHttp(registry: string): boolean {
    return (
      isLoopbackHost(hostnameOf(registry)) ||
      this.insecure.has(registry.toLowerCase()) ||
      this.insecure.has(hostnameOf(registry))
    );
  }

  private baseUrl(registry: string): URL {
    return new URL(`${this.allowsPlainHttp(registry) ? 'http' : 'https'}://${registry}`);
  }

  private http(req: {
    url: URL;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    subject: string;
    deadlineMs?: number;
  }): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent ?? 'image-changelog',
      ...req.headers,
    };
    return send({
      ...req,
      headers,
      idleTimeoutMs: this.idleTimeoutMs,
      deadlineMs: req.deadlineMs ?? this.requestDeadlineMs,
      allowPlainHttp: (host) => isLoopbackHost(host) || this.insecure.has(host.toLowerCase()),
      ...(this.options.tls ? { tls: this.options.tls } : {}),
    });
  }

  private auth(registry: string): RegistryAuth {
    let auth = this.auths.get(registry);
    if (!auth) {
      auth = new RegistryAuth({
        registry,
        baseUrl: this.baseUrl(registry),
        credentials: this.credentials,
        http: (r) => this.http(r),
        retry: this.retry,
      });
      this.auths.set(registry, auth);
    }
    return auth;
  }

  /** A request to the registry's API with authentication; a 401 re-authenticates once (expired token). */
  private async authed(
    repo: RepositoryRef,
    url: URL,
    headers: Record<string, string>,
    subject: string,
    deadlineMs?: number,
  ): Promise<HttpResponse> {
    const auth = this.auth(repo.registry);
    const scope = `repository:${repo.repository}:pull`;
    let authorization = await auth.authorization(scope);
    for (let tries = 0; ; tries++) {
      const h = { ...headers };
      if (authorization) h.authorization = authorization;
      const res = await this.http({ url, headers: h, subject, ...(deadlineMs ? { deadlineMs } : {}) });
      if (res.status !== 401 || tries > 0) return res;
      res.res.resume();
      const renewed = await auth.reauthenticate(scope, header(res.res, 'www-authenticate'));
      if (renewed === undefined) return res;
      authorization = renewed;
    }
  }

  /** Fetch a manifest or index by tag or digest; the bytes are verified against every digest known. */
  async getManifest(
    ref: ImageReference | (RepositoryRef & { tag?: string; digest?: string }),
  ): Promise<FetchedManifest> {
    const target = referenceTarget({ ...ref, original: '' });
    const subject = `manifest ${formatReference(ref)}`;
    assertRepositoryName(ref);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(target)) {
      throw new ImageChangelogError('REFERENCE_INVALID', `invalid tag or digest "${target}"`, {
        subject: target,
      });
    }
    const url = new URL(`/v2/${ref.repository}/manifests/${target}`, this.baseUrl(ref.registry));
    const { bytes, sent, contentType } = await this.retrying(ref.registry, subject, async () => {
      const r = await this.authed(ref, url, { accept: MANIFEST_ACCEPT }, subject);
      if (r.status !== 200) await this.failForStatus(r, subject, ref, 'MANIFEST_NOT_FOUND');
      const body = await readBody(r.res, this.maxManifestBytes, subject);
      return {
        bytes: body,
        sent: header(r.res, 'docker-content-digest'),
        contentType: header(r.res, 'content-type'),
      };
    });
    const digest = digestOf(bytes, ref.digest ?? sent);
    for (const expected of [ref.digest, sent]) {
      if (expected === undefined || !isValidDigest(expected)) continue;
      const actual = digestOf(bytes, expected);
      if (actual !== expected) {
        throw new ImageChangelogError(
          'DIGEST_MISMATCH',
          `${subject}: the registry sent content with digest ${actual}, expected ${expected}`,
          {
            subject: formatReference(ref),
            hint: 'the registry or a proxy served wrong content; nothing from it was used',
          },
        );
      }
    }
    let json: { mediaType?: unknown; schemaVersion?: unknown };
    try {
      json = JSON.parse(bytes.toString('utf8')) as typeof json;
    } catch {
      throw new ImageChangelogError('MANIFEST_INVALID', `${subject} is not valid JSON`, {
        subject: formatReference(ref),
      });
    }
    const declared =
      typeof json.mediaType === 'string' ? json.mediaType : (contentType?.split(';')[0]?.trim() ?? '');
    if (json.schemaVersion === 1 || SCHEMA1_TYPES.has(declared)) {
      throw new ImageChangelogError(
        'MANIFEST_UNSUPPORTED',
        `${subject} is a Docker schema 1 manifest, which is not supported`,
        {
          subject: formatReference(ref),
          hint: 'push the image again with a current Docker or skopeo',
        },
      );
    }
    return { digest, mediaType: declared, bytes };
  }

  /** Stream a blob; the stream verifies the digest and retries/resumes as needed. Holds a download slot until it ends. */
  async getBlob(repo: RepositoryRef, digest: string, options: BlobOptions = {}): Promise<Readable> {
    if (!isValidDigest(digest))
      throw new ImageChangelogError('DIGEST_INVALID', `invalid blob digest "${digest}"`, { subject: digest });
    assertRepositoryName(repo);
    const release = await this.blobLimiter.acquire();
    const subject = `blob ${digest} of ${repo.registry}/${repo.repository}`;
    const url = new URL(`/v2/${repo.repository}/blobs/${digest}`, this.baseUrl(repo.registry));
    return openVerifiedBlob({
      digest,
      subject,
      registry: repo.registry,
      retry: this.retry,
      ...(options.size !== undefined ? { size: options.size } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      onClose: release,
      fetch: async (offset) => {
        const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
        const r = await this.authed(repo, url, headers, subject, this.blobDeadlineMs(options.size));
        if (r.status !== 200 && r.status !== 206)
          await this.failForStatus(r, subject, repo, 'BLOB_NOT_FOUND');
        return { res: r.res, status: r.status };
      },
    });
  }

  /** A small blob (a config) read whole, verified, at most `maxBytes`. */
  async getBlobBytes(
    repo: RepositoryRef,
    digest: string,
    maxBytes: number,
    options: BlobOptions = {},
  ): Promise<Buffer> {
    if (options.size !== undefined && options.size > maxBytes) {
      throw new ImageChangelogError(
        'RESPONSE_TOO_LARGE',
        `blob ${digest} is ${options.size} bytes, over the ${maxBytes}-byte limit`,
        { subject: digest },
      );
    }
    const stream = await this.getBlob(repo, digest, options);
    return readCapped(
      stream,
      maxBytes,
      () =>
        new ImageChangelogError('RESPONSE_TOO_LARGE', `blob ${digest} is over the ${maxBytes}-byte limit`, {
          subject: digest,
        }),
    );
  }

  /**
   * How long one blob request may take: BLOB_DEADLINE_BASE_MS plus the size at a slow but working
   * rate (a 1 GB layer: 10 + 68 minutes), or an hour at that rate when the size is unknown.
   */
  private blobDeadlineMs(size: number | undefined): number {
    const bytes = size ?? 3600 * BLOB_DEADLINE_MIN_BYTES_PER_SECOND;
    return BLOB_DEADLINE_BASE_MS + Math.ceil((bytes / BLOB_DEADLINE_MIN_BYTES_PER_SECOND) * 1000);
  }

  /**
   * All tags of a repository, following `Link` pagination (`?n=&last=`), within TAG_LIST_MAX_PAGES
   * pages of at most TAG_LIST_MAX_PAGE_BYTES and TAG_LIST_MAX_BYTES in all; past any, one error.
   */
  async listTags(
    repo: RepositoryRef,
    options: { pageSize?: number; maxPages?: number } = {},
  ): Promise<string[]> {
    assertRepositoryName(repo);
    const base = this.baseUrl(repo.registry);
    let url: URL | undefined = new URL(`/v2/${repo.repository}/tags/list`, base);
    if (options.pageSize) url.searchParams.set('n', String(options.pageSize));
    const tags: string[] = [];
    const seen = new Set<string>();
    const subject = `the tags of ${repo.registry}/${repo.repository}`;
    const maxPages = options.maxPages ?? TAG_LIST_MAX_PAGES;
    let total = 0;
    for (let page = 0; url; page++) {
      if (page >= maxPages) throw tagListTooLarge(subject, `more than ${maxPages} pages`);
      const pageUrl: URL = url;
      seen.add(pageUrl.href);
      const { body, link } = await this.retrying(repo.registry, subject, async () => {
        const r = await this.authed(repo, pageUrl, { accept: 'application/json' }, subject);
        if (r.status !== 200) await this.failForStatus(r, subject, repo, 'REPOSITORY_NOT_FOUND');
        return { body: await readBody(r.res, TAG_LIST_MAX_PAGE_BYTES, subject), link: header(r.res, 'link') };
      });
      total += body.length;
      if (total > TAG_LIST_MAX_BYTES) throw tagListTooLarge(subject, `more than ${TAG_LIST_MAX_BYTES} bytes`);
      let parsed: { tags?: unknown };
      try {
        parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
      } catch {
        throw new ImageChangelogError(
          'REGISTRY_RESPONSE_INVALID',
          `${subject}: the registry answered with invalid JSON`,
          {
            subject: repo.repository,
          },
        );
      }
      if (Array.isArray(parsed.tags)) for (const t of parsed.tags) if (typeof t === 'string') tags.push(t);
      const next = nextLink(link, pageUrl);
      // Only follow pagination within the same registry, and never in circles.
      url = next && next.origin === base.origin && !seen.has(next.href) ? next : undefined;
    }
    return tags;
  }

  /** Retry transient failures; when they persist, one clear error naming the registry and what was fetched. */
  private async retrying<T>(registry: string, subject: string, attempt: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(this.retry, attempt);
    } catch (err) {
      throw requestFailure(err, registry, subject, this.retry.maxAttempts);
    }
  }

  private failForStatus(
    r: HttpResponse,
    subject: string,
    repo: RepositoryRef,
    notFoundCode: ErrorCode,
  ): Promise<never> {
    return statusFailure(r, subject, repo, notFoundCode, this.retry.maxRetryAfterMs);
  }
}

function digestOf(bytes: Buffer, like: string | undefined): string {
  const algorithm = like && /^(sha256|sha384|sha512):/.test(like) ? like.split(':')[0]! : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function tagListTooLarge(subject: string, what: string): ImageChangelogError {
  return new ImageChangelogError('RESPONSE_TOO_LARGE', `${subject} run to ${what}; reading stopped`, {
    subject,
    hint: 'name the previous image instead of previous: auto',
  });
}
