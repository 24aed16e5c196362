import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { digestOf } from './tar.js';

/** One request as the fake registry saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** Takes over a request when it returns true (fault injection); removed after its first use unless `sticky`. */
export type Fault = ((req: IncomingMessage, res: ServerResponse) => boolean) & { sticky?: boolean };

export interface FakeRegistryOptions {
  auth?: 'none' | 'basic' | 'bearer';
  users?: Record<string, string>;
  /** Bearer tokens issued without credentials too. */
  anonymousPull?: boolean;
  /** Blob requests are answered with a redirect to `redirectBlobsTo + path` (a second server). */
  redirectBlobsTo?: string;
  /** Whether blob responses advertise and honour Range (default true). */
  ranges?: boolean;
  /** Token response field: `token` (default), `access_token` or both. */
  tokenField?: 'token' | 'access_token' | 'both';
  /** An OAuth2 refresh token the token endpoint accepts by POST (identity tokens). */
  refreshToken?: string;
}

/** A small OCI distribution registry on 127.0.0.1 for unit tests, with hooks for faults. */
export class FakeRegistry {
  readonly seen: SeenRequest[] = [];
  readonly faults: Fault[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, { body: Buffer; mediaType: string }>();
  readonly tags = new Map<string, string[]>();
  readonly validTokens = new Set<string>();
  tokenRequests: SeenRequest[] = [];
  private server: http.Server;
  port = 0;

  constructor(readonly options: FakeRegistryOptions = {}) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addBlob(content: Buffer): string {
    const digest = digestOf(content);
    this.blobs.set(digest, content);
    return digest;
  }

  /** Store a manifest under its digest and, when given, a tag. */
  addManifest(repo: string, manifest: object | Buffer, mediaType: string, tag?: string): string {
    const body = Buffer.isBuffer(manifest) ? manifest : Buffer.from(JSON.stringify(manifest));
    const digest = digestOf(body);
    this.manifests.set(`${repo}@${digest}`, { body, mediaType });
    if (tag !== undefined) {
      this.manifests.set(`${repo}:${tag}`, { body, mediaType });
      const list = this.tags.get(repo) ?? [];
      if (!list.includes(tag)) list.push(tag);
      this.tags.set(repo, list);
    }
    return digest;
  }

  /** Invalidate every token issued so far (as if they expired). */
  expireTokens(): void {
    this.validTokens.clear();
  }

  private authorized(req: IncomingMessage): boolean {
    const auth = req.headers.authorization ?? '';
    if (this.options.auth === 'basic') return this.checkBasic(auth);
    if (this.options.auth === 'bearer')
      return auth.startsWith('Bearer ') && this.validTokens.has(auth.slice(7));
    return true;
  }

  private checkBasic(auth: string): boolean {
    if (!auth.startsWith('Basic ')) return false;
    const [user, ...rest] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
    return user !== undefined && this.options.users?.[user] === rest.join(':');
  }

  private challenge(res: ServerResponse, scope?: string): void {
    const value =
      this.options.auth === 'basic'
        ? 'Basic realm="fake"'
        : `Bearer realm="http://${this.host}/token",service="fake-registry"${scope ? `,scope="${scope}"` : ''}`;
    res.writeHead(401, { 'www-authenticate': value, 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.seen.push({ method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers });
    for (let i = 0; i < this.faults.length; i++) {
      const fault = this.faults[i]!;
      if (fault(req, res)) {
        if (!fault.sticky) this.faults.splice(i, 1);
        return;
      }
    }
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    if (url.pathname === '/token') return this.token(req, res, url);
    const scopeOf = (repo: string): string => `repository:${repo}:pull`;
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (!this.authorized(req)) return this.challenge(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{}');
    }
    let m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const [, repo, target] = m as unknown as [string, string, string];
      if (!this.authorized(req)) return this.challenge(res, scopeOf(repo));
      const entry = this.manifests.get(target.includes(':') ? `${repo}@${target}` : `${repo}:${target}`);
      if (!entry) return this.notFound(res, 'MANIFEST_UNKNOWN');
      res.writeHead(200, {
        'content-type': entry.mediaType,
        'docker-content-digest': digestOf(entry.body),
        'content-length': entry.body.length,
      });
      return void res.end(entry.body);
    }
    m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const [, repo, digest] = m as unknown as [string, string, string];
      if (!this.authorized(req)) return this.challenge(res, scopeOf(repo));
      if (this.options.redirectBlobsTo) {
        res.writeHead(307, { location: `${this.options.redirectBlobsTo}/storage/${digest}?sig=abc` });
        return void res.end();
      }
      const blob = this.blobs.get(digest);
      if (!blob) return this.notFound(res, 'BLOB_UNKNOWN');
      return serveBytes(req, res, blob, this.options.ranges ?? true);
    }
    m = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (m) {
      const repo = m[1]!;
      if (!this.authorized(req)) return this.challenge(res, scopeOf(repo));
      const all = [...(this.tags.get(repo) ?? [])].sort();
      if (all.length === 0 && !this.tags.has(repo)) return this.notFound(res, 'NAME_UNKNOWN');
      const n = Number(url.searchParams.get('n') ?? all.length);
      const last = url.searchParams.get('last');
      const start = last === null ? 0 : all.findIndex((t) => t > last);
      const page = start < 0 ? [] : all.slice(start, start + n);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const lastOfPage = page[page.length - 1];
      if (lastOfPage !== undefined && start + n < all.length) {
        headers.link = `</v2/${repo}/tags/list?n=${n}&last=${encodeURIComponent(lastOfPage)}>; rel="next"`;
      }
      res.writeHead(200, headers);
      return void res.end(JSON.stringify({ name: repo, tags: page }));
    }
    this.notFound(res, 'NOT_FOUND');
  }

  /** Bodies of POSTs to the token endpoint. */
  tokenForms: URLSearchParams[] = [];

  private token(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.tokenRequests.push({ method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers });
    if (req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        this.tokenForms.push(form);
        const ok =
          form.get('grant_type') === 'refresh_token' &&
          form.get('refresh_token') === this.options.refreshToken;
        this.issueToken(res, ok);
      });
      return;
    }
    const auth = req.headers.authorization;
    void url;
    this.issueToken(res, auth !== undefined ? this.checkBasic(auth) : this.options.anonymousPull === true);
  }

  private issueToken(res: ServerResponse, ok: boolean): void {
    if (!ok) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end('{"details":"bad credentials"}');
    }
    const token = randomBytes(12).toString('hex');
    this.validTokens.add(token);
    const field = this.options.tokenField ?? 'token';
    const body: Record<string, unknown> = { expires_in: 300, issued_at: new Date().toISOString() };
    if (field !== 'access_token') body.token = token;
    if (field !== 'token') body.access_token = token;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private notFound(res: ServerResponse, code: string): void {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code, message: 'not found' }] }));
  }
}

/** Answer with `bytes`, honouring `Range: bytes=N-` when ranges are on. */
export function serveBytes(req: IncomingMessage, res: ServerResponse, bytes: Buffer, ranges: boolean): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (ranges && range) {
    const start = Number(range[1]);
    res.writeHead(206, {
      'content-type': 'application/octet-stream',
      'content-length': bytes.length - start,
      'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      'accept-ranges': 'bytes',
    });
    return void res.end(bytes.subarray(start));
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'content-length': bytes.length,
  };
  if (ranges) headers['accept-ranges'] = 'bytes';
  res.writeHead(200, headers);
  res.end(bytes);
}

/** A second plain server (the "storage" a registry redirects blobs to). */
export class BlobStorage {
  readonly seen: SeenRequest[] = [];
  private server: http.Server;
  port = 0;
  constructor(readonly blobs: Map<string, Buffer>) {
    this.server = http.createServer((req, res) => {
      this.seen.push({ method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers });
      const digest = /^\/storage\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
      const blob = this.blobs.get(decodeURIComponent(digest));
      if (!blob) {
        res.writeHead(404);
        return void res.end();
      }
      serveBytes(req, res, blob, true);
    });
  }
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
