import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for GitHub's Actions cache service, speaking what @actions/cache (v6) sends:
 *
 * - v2 (github.com: ACTIONS_CACHE_SERVICE_V2 + ACTIONS_RESULTS_URL): Twirp JSON RPC at
 *   /twirp/github.actions.results.api.v1.CacheService/{GetCacheEntryDownloadURL, CreateCacheEntry,
 *   FinalizeCacheEntryUpload}, and the archive moved by the Azure storage SDK to and from signed
 *   blob URLs (Put Blob, or Put Block + Put Block List; Get Blob Properties, ranged Get Blob).
 *   @actions/cache only takes the SDK's download path for hosts ending in .blob.core.windows.net,
 *   so the signed URLs name such a host and the server is also the HTTP proxy (HTTP_PROXY in
 *   env()) that routes it here; the Twirp calls go to 127.0.0.1 directly (loopback bypasses it).
 * - v1 (GHES: ACTIONS_CACHE_URL): REST under {ACTIONS_CACHE_URL}_apis/artifactcache/ (GET cache,
 *   POST caches, PATCH caches/{id} chunks, POST caches/{id} commit), the archive served from a
 *   plain signed URL on this server.
 *
 * Like the real service it checks the bearer token, the required fields, the version, one entry
 * per key+version, the upload before the finalize (with its size), the signature and permission
 * of a signed URL, and it never hands out an entry that is not finalized. Lookups go as the
 * service documents them: for the key, then each restore key in order, an exact key first, else
 * the newest entry whose key starts with it; always with the same version.
 */
export interface RecordedCacheRequest {
  method: string;
  /** Host the client asked for (the blob host for proxied storage requests). */
  host: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON of the RPC and REST calls (undefined for storage requests: see bytes). */
  body: unknown;
  bytes: number;
  api: 'twirp' | 'v1' | 'blob' | 'unknown';
}

export interface FakeCacheEntry {
  id: number;
  key: string;
  version: string;
  protocol: 'v1' | 'v2';
  /** Order of creation; the newest prefix match wins. */
  created: number;
  finalized: boolean;
  /** Committed archive bytes (what a download returns). */
  archive?: Buffer;
  /** v1: uploaded chunks by offset. v2: staged blocks by id. */
  chunks: Map<number, Buffer>;
  blocks: Map<string, Buffer>;
  blobName: string;
}

interface Signature {
  entryId: number;
  permission: 'r' | 'cw';
  path: string;
  expires: number;
}

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';
const BLOB_HOST = 'fakeresultssa0.blob.core.windows.net';
const CONTAINER = 'actions-cache';
const V1_PREFIX = '/0zXqvYHy2mQjRfGBn1/';
const TWIRP_CODES: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  412: 'failed_precondition',
  429: 'resource_exhausted',
  500: 'internal',
  503: 'unavailable',
};

class Reply extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class FakeActionsCache {
  readonly requests: RecordedCacheRequest[] = [];
  readonly entries: FakeCacheEntry[] = [];
  /** Every signed URL handed out (their `sig` must be masked in the logs). */
  readonly signedUrls: string[] = [];
  /** Forced answers: `METHOD path-regex` -> statuses to return, one per matching request, in order. */
  readonly faults: Array<{ method: string; path: RegExp; statuses: number[] }> = [];
  readonly token: string;
  url = '';
  private server: Server | undefined;
  private readonly signatures = new Map<string, Signature>();
  private nextId = 41_000;
  private sequence = 0;

  constructor(token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}.fakeRuntimeSig`) {
    this.token = token;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The runner's variables for one protocol (the URLs end in '/', as the runner's do). */
  env(protocol: 'v1' | 'v2'): Record<string, string> {
    return protocol === 'v2'
      ? {
          ACTIONS_CACHE_SERVICE_V2: 'True',
          ACTIONS_RESULTS_URL: `${this.url}/`,
          ACTIONS_RUNTIME_TOKEN: this.token,
          HTTP_PROXY: this.url,
        }
      : { ACTIONS_CACHE_URL: `${this.url}${V1_PREFIX}`, ACTIONS_RUNTIME_TOKEN: this.token };
  }

  fault(method: string, path: RegExp, ...statuses: number[]): void {
    this.faults.push({ method, path, statuses });
  }

  /** The JSON bodies of one Twirp method's calls, in order. */
  rpc(method: string): Array<Record<string, unknown>> {
    return this.requests
      .filter((r) => r.api === 'twirp' && r.path === `${TWIRP_PREFIX}${method}`)
      .map((r) => r.body as Record<string, unknown>);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A proxied request names its target in full; a direct one is relative to this server.
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const proxied = url.host !== new URL(this.url).host;
    const api: RecordedCacheRequest['api'] =
      proxied && url.hostname === BLOB_HOST
        ? 'blob'
        : proxied
          ? 'unknown'
          : url.pathname.startsWith(TWIRP_PREFIX)
            ? 'twirp'
            : url.pathname.startsWith(`${V1_PREFIX}_apis/artifactcache/`)
              ? 'v1'
              : url.pathname.startsWith(`/${CONTAINER}/`)
                ? 'blob'
                : 'unknown';
    let body: unknown;
    if (api === 'twirp' || api === 'v1') {
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        body = raw.toString('utf8');
      }
    }
    this.requests.push({
      method,
      host: url.host,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      bytes: raw.length,
      api,
    });
    try {
      const fault = this.faults.find(
        (f) => f.method === method && f.path.test(url.pathname) && f.statuses.length > 0,
      );
      if (fault) {
        const status = fault.statuses.shift()!;
        throw new Reply(status, `injected ${status}`, api === 'blob' ? 'InternalError' : undefined);
      }
      if (api === 'twirp') return this.twirp(req, res, url, body);
      if (api === 'v1') return this.v1(req, res, url, method, body, raw);
      if (api === 'blob') return this.blob(req, res, url, method, raw);
      throw new Reply(proxied ? 502 : 404, `the fake cache service does not serve ${method} ${url.href}`);
    } catch (err) {
      this.sendError(res, api, err instanceof Reply ? err : new Reply(500, String(err)));
    }
  }

  private sendError(res: ServerResponse, api: RecordedCacheRequest['api'], err: Reply): void {
    if (api === 'twirp') {
      const code = err.code ?? TWIRP_CODES[err.status] ?? 'unknown';
      this.json(res, err.status, { code, msg: err.message });
    } else if (api === 'blob') {
      const code = err.code ?? 'InvalidInput';
      res.writeHead(err.status, {
        'content-type': 'application/xml',
        'x-ms-error-code': code,
        'x-ms-request-id': randomBytes(8).toString('hex'),
        'x-ms-version': '2025-01-05',
      });
      res.end(
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${err.message}</Message></Error>`,
      );
    } else {
      this.json(res, err.status, { message: err.message, typeKey: err.code ?? 'ArtifactCacheException' });
    }
  }

  private json(res: ServerResponse, status: number, data: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(data));
  }

  private checkToken(req: IncomingMessage): void {
    if (req.headers.authorization !== `Bearer ${this.token}`)
      throw new Reply(401, 'the runtime token is missing or wrong');
  }

  /** Lookup as the service documents it; only finalized entries of this version. */
  private find(keys: string[], version: string): FakeCacheEntry | undefined {
    const live = this.entries.filter((e) => e.finalized && e.version === version);
    for (const k of keys) {
      const exact = live.find((e) => e.key === k);
      if (exact) return exact;
      const prefixed = live.filter((e) => e.key.startsWith(k)).sort((a, b) => b.created - a.created);
      if (prefixed[0]) return prefixed[0];
    }
    return undefined;
  }

  private create(key: string, version: string, protocol: 'v1' | 'v2'): FakeCacheEntry {
    if (this.entries.some((e) => e.key === key && e.version === version))
      throw new Reply(409, 'cache entry with the same key, version, and scope already exists');
    const id = this.nextId++;
    const entry: FakeCacheEntry = {
      id,
      key,
      version,
      protocol,
      created: ++this.sequence,
      finalized: false,
      chunks: new Map(),
      blocks: new Map(),
      blobName: `${id}-${createHash('sha256').update(`${key}\n${version}`).digest('hex').slice(0, 24)}`,
    };
    this.entries.push(entry);
    return entry;
  }

  private sign(entry: FakeCacheEntry, permission: 'r' | 'cw', host: string): string {
    const sig = randomBytes(32).toString('base64');
    const path = `/${CONTAINER}/${entry.blobName}`;
    const expires = Date.now() + 3600_000;
    this.signatures.set(sig, { entryId: entry.id, permission, path, expires });
    const q = new URLSearchParams({
      sv: '2025-01-05',
      se: new Date(expires).toISOString().replace(/\.\d+Z$/, 'Z'),
      sr: 'b',
      sp: permission,
      sig,
    });
    const url = `${host}${path}?${q.toString()}`;
    this.signedUrls.push(url);
    return url;
  }

  private twirp(req: IncomingMessage, res: ServerResponse, url: URL, body: unknown): void {
    if (req.method !== 'POST') throw new Reply(404, 'twirp: only POST', 'bad_route');
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
      throw new Reply(404, 'twirp: unexpected Content-Type', 'bad_route');
    this.checkToken(req);
    if (typeof body !== 'object' || body === null)
      throw new Reply(400, 'the body is not a JSON object', 'malformed');
    const b = body as Record<string, unknown>;
    const str = (name: string): string => {
      const v = b[name];
      if (typeof v !== 'string' || v === '') throw new Reply(400, `${name} is required`);
      return v;
    };
    const method = url.pathname.slice(TWIRP_PREFIX.length);
    if (method === 'GetCacheEntryDownloadURL') {
      const key = str('key');
      const version = str('version');
      const restoreKeys = b.restore_keys ?? [];
      if (!Array.isArray(restoreKeys) || restoreKeys.some((k) => typeof k !== 'string' || k === ''))
        throw new Reply(400, 'restore_keys must be non-empty strings');
      const hit = this.find([key, ...(restoreKeys as string[])], version);
      this.json(
        res,
        200,
        hit
          ? {
              ok: true,
              signed_download_url: this.sign(hit, 'r', `http://${BLOB_HOST}`),
              matched_key: hit.key,
            }
          : { ok: false, signed_download_url: '', matched_key: '' },
      );
    } else if (method === 'CreateCacheEntry') {
      const entry = this.create(str('key'), str('version'), 'v2');
      this.json(res, 200, {
        ok: true,
        signed_upload_url: this.sign(entry, 'cw', `http://${BLOB_HOST}`),
        message: '',
      });
    } else if (method === 'FinalizeCacheEntryUpload') {
      const key = str('key');
      const version = str('version');
      const size = b.size_bytes;
      if (typeof size !== 'string' || !/^\d+$/.test(size)) throw new Reply(400, 'size_bytes is required');
      const entry = this.entries.find((e) => e.key === key && e.version === version && !e.finalized);
      if (!entry) throw new Reply(404, 'no cache entry is being created with this key and version');
      if (!entry.archive) throw new Reply(412, 'nothing was uploaded for this cache entry');
      if (entry.archive.length !== Number(size))
        throw new Reply(400, `size_bytes ${size} is not the ${entry.archive.length} bytes uploaded`);
      entry.finalized = true;
      this.json(res, 200, { ok: true, entry_id: String(entry.id), message: '' });
    } else {
      throw new Reply(404, `no method ${method}`, 'bad_route');
    }
  }

  private v1(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    body: unknown,
    raw: Buffer,
  ): void {
    this.checkToken(req);
    if (!/api-version=6\.0-preview\.1/.test(req.headers.accept ?? ''))
      throw new Reply(400, 'the api-version in Accept is missing or not supported');
    const resource = url.pathname.slice(`${V1_PREFIX}_apis/artifactcache/`.length);
    let m: RegExpMatchArray | null;
    if (method === 'GET' && resource === 'cache') {
      const keys = (url.searchParams.get('keys') ?? '').split(',').filter((k) => k !== '');
      const version = url.searchParams.get('version') ?? '';
      if (keys.length === 0 || version === '') throw new Reply(400, 'keys and version are required');
      const hit = this.find(keys, version);
      if (!hit) {
        res.writeHead(204);
        res.end();
        return;
      }
      this.json(res, 200, {
        scope: 'refs/heads/main',
        cacheKey: hit.key,
        cacheVersion: hit.version,
        creationTime: new Date().toISOString(),
        archiveLocation: this.sign(hit, 'r', this.url),
      });
    } else if (method === 'POST' && resource === 'caches') {
      const b = (body ?? {}) as { key?: unknown; version?: unknown };
      if (typeof b.key !== 'string' || b.key === '' || typeof b.version !== 'string' || b.version === '')
        throw new Reply(400, 'key and version are required');
      let entry: FakeCacheEntry;
      try {
        entry = this.create(b.key, b.version, 'v1');
      } catch (err) {
        if (err instanceof Reply && err.status === 409)
          throw new Reply(
            409,
            `Cache already exists. Scope: refs/heads/main, Key: ${b.key}, Version: ${b.version}`,
            'ArtifactCacheExistsException',
          );
        throw err;
      }
      this.json(res, 201, { cacheId: entry.id });
    } else if ((m = /^caches\/(\d+)$/.exec(resource))) {
      const entry = this.entries.find((e) => e.id === Number(m![1]) && e.protocol === 'v1');
      if (!entry) throw new Reply(404, `no cache ${m[1]}`);
      if (entry.finalized) throw new Reply(409, `cache ${entry.id} is already committed`);
      if (method === 'PATCH') {
        const range = /^bytes (\d+)-(\d+)\/\*$/.exec(req.headers['content-range'] ?? '');
        if (!range) throw new Reply(400, 'Content-Range bytes start-end/* is required');
        const start = Number(range[1]);
        if (Number(range[2]) - start + 1 !== raw.length)
          throw new Reply(
            400,
            `Content-Range ${req.headers['content-range']} is not the ${raw.length} bytes sent`,
          );
        entry.chunks.set(start, raw);
        res.writeHead(204);
        res.end();
      } else if (method === 'POST') {
        const size = (body as { size?: unknown } | undefined)?.size;
        if (typeof size !== 'number') throw new Reply(400, 'size is required');
        const parts = [...entry.chunks].sort((a, b) => a[0] - b[0]);
        let offset = 0;
        for (const [start, chunk] of parts) {
          if (start !== offset) throw new Reply(400, `the chunks leave a gap or overlap at ${offset}`);
          offset += chunk.length;
        }
        if (offset !== size) throw new Reply(400, `size ${size} is not the ${offset} bytes uploaded`);
        entry.archive = Buffer.concat(parts.map(([, c]) => c));
        entry.finalized = true;
        res.writeHead(204);
        res.end();
      } else throw new Reply(405, `${method} is not allowed here`);
    } else {
      throw new Reply(404, `no resource ${method} ${resource}`);
    }
  }

  private blob(req: IncomingMessage, res: ServerResponse, url: URL, method: string, raw: Buffer): void {
    const sig = this.signatures.get(url.searchParams.get('sig') ?? '');
    const write = method === 'PUT';
    if (
      !sig ||
      sig.path !== url.pathname ||
      sig.expires < Date.now() ||
      sig.permission !== (write ? 'cw' : 'r') ||
      url.searchParams.get('sp') !== sig.permission
    )
      throw new Reply(403, 'Server failed to authenticate the request.', 'AuthenticationFailed');
    if (req.headers.authorization)
      throw new Reply(400, 'a SAS request carries no Authorization', 'InvalidAuthenticationInfo');
    const entry = this.entries.find((e) => e.id === sig.entryId)!;
    const common = {
      'x-ms-request-id': randomBytes(8).toString('hex'),
      'x-ms-version': '2025-01-05',
      date: new Date().toUTCString(),
    };
    const etagOf = (b: Buffer): string =>
      `"0x${createHash('md5').update(b).digest('hex').slice(0, 15).toUpperCase()}"`;
    if (write) {
      if (!req.headers['x-ms-version'])
        throw new Reply(400, 'x-ms-version is required', 'MissingRequiredHeader');
      if (Number(req.headers['content-length']) !== raw.length)
        throw new Reply(400, 'Content-Length is not the bytes sent', 'InvalidHeaderValue');
      const comp = url.searchParams.get('comp');
      if (comp === 'block') {
        const id = url.searchParams.get('blockid');
        if (!id) throw new Reply(400, 'blockid is required', 'MissingRequiredQueryParameter');
        entry.blocks.set(id, raw);
      } else if (comp === 'blocklist') {
        const ids = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted)>([^<]+)<\//g)].map(
          (x) => x[1]!,
        );
        const parts = ids.map((id) => entry.blocks.get(id));
        if (ids.length === 0 || parts.some((p) => p === undefined))
          throw new Reply(400, 'The specified block list is invalid.', 'InvalidBlockList');
        entry.archive = Buffer.concat(parts as Buffer[]);
        entry.blocks.clear();
      } else if (comp === null) {
        if (req.headers['x-ms-blob-type'] !== 'BlockBlob')
          throw new Reply(400, 'x-ms-blob-type BlockBlob is required', 'MissingRequiredHeader');
        entry.archive = raw;
      } else throw new Reply(400, `comp=${comp} is not supported here`, 'InvalidQueryParameterValue');
      const headers: Record<string, string> = { ...common, 'x-ms-request-server-encrypted': 'true' };
      if (comp !== 'block') {
        headers.etag = etagOf(entry.archive!);
        headers['last-modified'] = new Date().toUTCString();
      }
      res.writeHead(201, headers);
      res.end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD')
      throw new Reply(405, `${method} is not supported`, 'UnsupportedHttpVerb');
    if (!entry.archive) throw new Reply(404, 'The specified blob does not exist.', 'BlobNotFound');
    const archive = entry.archive;
    const etag = etagOf(archive);
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch !== etag)
      throw new Reply(
        412,
        'The condition specified using HTTP conditional header(s) is not met.',
        'ConditionNotMet',
      );
    const headers: Record<string, string> = {
      ...common,
      etag,
      'last-modified': new Date(0).toUTCString(),
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      'x-ms-blob-type': 'BlockBlob',
    };
    const rangeHeader = (req.headers['x-ms-range'] ?? req.headers.range) as string | undefined;
    const range = rangeHeader ? /^bytes=(\d+)-(\d*)$/.exec(rangeHeader) : null;
    if (rangeHeader && !range) throw new Reply(400, `cannot read range ${rangeHeader}`, 'InvalidRange');
    if (method === 'HEAD' || !range) {
      res.writeHead(200, { ...headers, 'content-length': String(archive.length) });
      res.end(method === 'HEAD' ? undefined : archive);
      return;
    }
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), archive.length - 1) : archive.length - 1;
    if (start >= archive.length || end < start)
      throw new Reply(
        416,
        'The range specified is invalid for the current size of the resource.',
        'InvalidRange',
      );
    const part = archive.subarray(start, end + 1);
    res.writeHead(206, {
      ...headers,
      'content-length': String(part.length),
      'content-range': `bytes ${start}-${end}/${archive.length}`,
    });
    res.end(part);
  }
}
