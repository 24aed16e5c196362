import { ImageChangelogError } from '../util/errors.js';
import type { Credential, CredentialStore } from './credentials.js';
import { header, readBody, type HttpResponse } from './http.js';
import { finalRateLimit, rateLimitFailure } from './rate-limit.js';
import { isRetryableStatus, TransientError, withRetries, type RetryPolicy } from './retry.js';

/** One challenge of a `WWW-Authenticate` header. */
export interface Challenge {
  /** Lowercase: `bearer`, `basic`, ... */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parse `WWW-Authenticate`: `Bearer realm="https://auth.example/token",service="reg",scope="…"`,
 * possibly several challenges in one header (`Bearer …, Basic realm="…"`).
 */
export function parseWwwAuthenticate(value: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = value;
  const skip = (re: RegExp): void => {
    while (i < s.length && re.test(s[i]!)) i++;
  };
  let current: Challenge | undefined;
  while (i < s.length) {
    skip(/[\s,]/);
    const tokenStart = i;
    skip(/[A-Za-z0-9!#$%&'*+.^_`|~-]/);
    const token = s.slice(tokenStart, i);
    if (token === '') {
      i++;
      continue;
    }
    skip(/[ \t]/);
    if (s[i] === '=' && current) {
      i++;
      skip(/[ \t]/);
      let val = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          val += s[i];
          i++;
        }
        i++;
      } else {
        const start = i;
        while (i < s.length && s[i] !== ',') i++;
        val = s.slice(start, i).trim();
      }
      current.params[token.toLowerCase()] = val;
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      out.push(current);
    }
  }
  return out;
}

export type HttpCall = (req: {
  url: URL;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  subject: string;
}) => Promise<HttpResponse>;

export interface RegistryAuthOptions {
  registry: string;
  /** `https://host` (or `http://` for loopback / insecure registries). */
  baseUrl: URL;
  credentials: CredentialStore;
  http: HttpCall;
  retry: RetryPolicy;
  now?: () => number;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

const MAX_TOKEN_RESPONSE = 1 << 20;

/**
 * Authentication against one registry: learns the challenge from `GET /v2/`, then hands out an
 * `Authorization` value per scope (Basic, or a Bearer token cached until it expires).
 */
export class RegistryAuth {
  private pinged: Promise<Challenge | undefined> | undefined;
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly o: RegistryAuthOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** `GET /v2/` once: 200 means no authentication, 401 brings the challenge. */
  ping(): Promise<Challenge | undefined> {
    this.pinged ??= withRetries(this.o.retry, async () => {
      const { res, status } = await this.o.http({
        url: new URL('/v2/', this.o.baseUrl),
        subject: `the API root of ${this.o.registry}`,
      });
      res.resume();
      if (status === 200) return undefined;
      if (status === 401) return pickChallenge(header(res, 'www-authenticate'), this.o.registry);
      if (status === 429)
        throw rateLimitFailure(res, this.o.registry, 'the API root', this.o.retry.maxRetryAfterMs);
      if (isRetryableStatus(status))
        throw new TransientError(
          `${this.o.registry} answered ${status} to /v2/`,
          status,
          header(res, 'retry-after'),
        );
      throw new ImageChangelogError(
        'NOT_A_REGISTRY',
        `${this.o.registry} answered ${status} to GET /v2/; it does not look like a container registry`,
        {
          subject: this.o.registry,
        },
      );
    }).catch((err: unknown) => {
      this.pinged = undefined; // a later call may try again
      throw exhausted(err, this.o.registry, this.o.registry, 'the API root', this.o.retry.maxAttempts);
    });
    return this.pinged;
  }

  /** The Authorization header value for a request needing `scope`, or undefined when none is needed. */
  async authorization(scope: string): Promise<string | undefined> {
    const challenge = await this.ping();
    if (!challenge) return undefined;
    return this.forChallenge(challenge, scope, false);
  }

  /** After a 401: use the new challenge, get a fresh token (an expired one is the usual cause). */
  async reauthenticate(scope: string, wwwAuthenticate: string | undefined): Promise<string | undefined> {
    const challenge = wwwAuthenticate ? pickChallenge(wwwAuthenticate, this.o.registry) : await this.ping();
    if (!challenge) return undefined;
    return this.forChallenge(challenge, challenge.params.scope ?? scope, true);
  }

  private async forChallenge(
    challenge: Challenge,
    scope: string,
    fresh: boolean,
  ): Promise<string | undefined> {
    const credential = await this.o.credentials.lookup(this.o.registry);
    if (challenge.scheme === 'basic') {
      if (credential?.kind !== 'basic') return undefined;
      const encoded = Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
      this.o.credentials.remember(encoded);
      return `Basic ${encoded}`;
    }
    const cached = this.tokens.get(scope);
    if (!fresh && cached && cached.expiresAt > this.now()) return `Bearer ${cached.value}`;
    const token = await this.fetchToken(challenge, scope, credential);
    return `Bearer ${token}`;
  }

  private async fetchToken(
    challenge: Challenge,
    scope: string,
    credential: Credential | undefined,
  ): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) {
      throw new ImageChangelogError(
        'AUTH_CHALLENGE',
        `${this.o.registry} asked for a Bearer token without naming a token service (realm)`,
        {
          subject: this.o.registry,
        },
      );
    }
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new ImageChangelogError(
        'AUTH_CHALLENGE',
        `${this.o.registry} named an invalid token service URL`,
        { subject: this.o.registry },
      );
    }
    const service = challenge.params.service;
    const subject = `a token for ${scope} from ${url.host}`;
    const body = await withRetries(this.o.retry, async () => {
      let res: HttpResponse;
      if (credential?.kind === 'identity-token') {
        const form = new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: credential.token,
          client_id: 'image-changelog',
          scope,
        });
        if (service) form.set('service', service);
        res = await this.o.http({
          url,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          subject,
        });
      } else {
        const u = new URL(url);
        if (service) u.searchParams.set('service', service);
        u.searchParams.append('scope', scope);
        const headers: Record<string, string> = {};
        if (credential?.kind === 'basic') {
          headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
        }
        res = await this.o.http({ url: u, headers, subject });
      }
      const status = res.status;
      if (status === 200) return readBody(res.res, MAX_TOKEN_RESPONSE, subject);
      // Docker Hub's token service counts too: its 429 is the same rate-limit line, never a vague failure.
      if (status === 429)
        throw rateLimitFailure(res.res, this.o.registry, subject, this.o.retry.maxRetryAfterMs);
      res.res.resume();
      if (isRetryableStatus(status))
        throw new TransientError(`token service answered ${status}`, status, header(res.res, 'retry-after'));
      throw new ImageChangelogError(
        'AUTH_FAILED',
        `the token service ${url.host} refused ${credential ? 'the credentials' : 'anonymous access'} for ${this.o.registry} (${status})`,
        {
          subject: this.o.registry,
          hint: credential
            ? 'check the registry username and password'
            : 'the image may be private: provide credentials',
        },
      );
    }).catch((err: unknown) => {
      throw exhausted(err, this.o.registry, url.host, subject, this.o.retry.maxAttempts);
    });
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new ImageChangelogError(
        'AUTH_FAILED',
        `the token service ${url.host} answered with something other than JSON`,
        { subject: this.o.registry },
      );
    }
    const token =
      typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new ImageChangelogError('AUTH_FAILED', `the token service ${url.host} answered without a token`, {
        subject: this.o.registry,
      });
    }
    this.o.credentials.remember(token);
    if (typeof parsed.refresh_token === 'string') this.o.credentials.remember(parsed.refresh_token);
    // The spec's default lifetime is 60 s; renew a little early so a request never carries a dying token.
    const seconds = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    this.tokens.set(scope, { value: token, expiresAt: this.now() + Math.max(0, seconds - 5) * 1000 });
    return token;
  }
}

/**
 * Retries already happened here: what is left is final, so it must not look transient to an
 * outer retry loop (which would multiply the attempts).
 */
function exhausted(err: unknown, registry: string, host: string, what: string, attempts: number): unknown {
  if (err instanceof ImageChangelogError) return err;
  const limited = finalRateLimit(err, registry, what);
  if (limited) return limited;
  const why =
    err instanceof TransientError
      ? err.message
      : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  return new ImageChangelogError(
    err instanceof TransientError && err.status !== undefined ? 'REGISTRY_ERROR' : 'REGISTRY_UNREACHABLE',
    `cannot fetch ${what} from ${host}: ${why} (after ${attempts} attempts)`,
    { subject: host, cause: err },
  );
}

function pickChallenge(value: string | undefined, registry: string): Challenge {
  const all = value ? parseWwwAuthenticate(value) : [];
  const chosen = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
  if (!chosen) {
    throw new ImageChangelogError(
      'AUTH_CHALLENGE',
      `${registry} requires authentication with an unsupported scheme`,
      {
        subject: registry,
        hint: value ? `WWW-Authenticate: ${value.slice(0, 100)}` : 'no WWW-Authenticate header was sent',
      },
    );
  }
  return chosen;
}
