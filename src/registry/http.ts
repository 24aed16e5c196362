import { readCapped } from '../util/read-capped.js';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ImageChangelogError } from '../util/errors.js';
import { TransientError } from './retry.js';

/** One HTTP exchange as the registry client needs it. */
export interface HttpRequest {
  url: URL;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Fail when no byte arrives for this long (while the reader is not itself holding back). */
  idleTimeoutMs: number;
  /**
   * Fail when the whole exchange (head and body) takes longer than this, however steadily bytes
   * trickle in (one byte a second never trips the idle timeout). Default: no deadline.
   */
  deadlineMs?: number;
  /** What is being fetched, for error messages: `blob sha256:… of ghcr.io/org/app`. */
  subject: string;
  /** Whether plain http:// may be used for this host. */
  allowPlainHttp: (hostname: string) => boolean;
  /** Extra options for the TLS connection (tests pass a CA). */
  tls?: https.RequestOptions;
}

export interface HttpResponse {
  res: IncomingMessage;
  status: number;
  /** The URL that answered, after redirects. */
  url: URL;
}

const MAX_REDIRECTS = 10;

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain HTTP is fine for without being asked. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(127\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null;
}

export function header(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Arm an idle watchdog on a response body: it fires only when the consumer wants data and none
 * came, so a reader that holds back (backpressure) is never taken for a stalled server. It watches
 * `push` rather than listening for 'data', which would switch the stream to flowing mode and lose
 * bytes before the caller reads them.
 */
function watchIdle(res: IncomingMessage, ms: number, subject: string): void {
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const arm = (): void => {
    stop();
    timer = setTimeout(() => {
      if (res.isPaused() || res.readableLength >= res.readableHighWaterMark) return arm();
      res.destroy(idleError(ms, subject));
    }, ms);
    timer.unref();
  };
  const push = res.push.bind(res);
  res.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null) stop();
    else arm();
    return push(chunk, encoding);
  };
  res.once('end', stop);
  res.once('close', stop);
  res.once('error', stop);
  arm();
}

function idleError(ms: number, subject: string): TransientError {
  const err = new TransientError(`no data for ${Math.round(ms / 1000)}s while fetching ${subject}`);
  (err as unknown as { code: string }).code = 'IDLE_TIMEOUT';
  return err;
}

/**
 * Not a TransientError: a registry that could not send one response within the whole deadline is
 * not retried (five more deadlines would cost many minutes); it ends as REGISTRY_TIMEOUT at once.
 */
function deadlineError(ms: number, subject: string): Error {
  const err = new Error(
    `fetching ${subject} took longer than ${Math.round(ms / 1000)}s in all (the registry sends too slowly)`,
  );
  (err as unknown as { code: string }).code = DEADLINE_EXCEEDED;
  return err;
}

/** The code of a request that ran out its overall deadline. */
export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED';

/** Send one request (no redirects). Resolves when the response head has arrived. */
export function sendOnce(req: HttpRequest): Promise<IncomingMessage> {
  const { url } = req;
  if (url.protocol === 'http:' && !req.allowPlainHttp(url.hostname)) {
    return Promise.reject(
      new ImageChangelogError('INSECURE_REGISTRY', `refusing plain HTTP to ${url.host} for ${req.subject}`, {
        subject: url.host,
        hint: 'plain HTTP is only used for loopback hosts or hosts listed as insecure registries',
      }),
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(
      new ImageChangelogError('URL_UNSUPPORTED', `unsupported URL scheme ${url.protocol} for ${req.subject}`),
    );
  }
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const options: https.RequestOptions = { method: req.method ?? 'GET', headers, ...(req.tls ?? {}) };
    let response: IncomingMessage | undefined;
    const deadline =
      req.deadlineMs === undefined
        ? undefined
        : setTimeout(() => {
            const err = deadlineError(req.deadlineMs!, req.subject);
            if (response) response.destroy(err);
            else cr.destroy(err);
          }, req.deadlineMs);
    deadline?.unref();
    const cr = lib.request(url, options, (res) => {
      clearTimeout(headTimer);
      response = res;
      if (deadline !== undefined) {
        const stop = (): void => clearTimeout(deadline);
        res.once('end', stop);
        res.once('close', stop);
        res.once('error', stop);
      }
      watchIdle(res, req.idleTimeoutMs, req.subject);
      resolve(res);
    });
    const headTimer = setTimeout(
      () => cr.destroy(idleError(req.idleTimeoutMs, req.subject)),
      req.idleTimeoutMs,
    );
    headTimer.unref();
    cr.on('error', (err) => {
      clearTimeout(headTimer);
      if (response === undefined) clearTimeout(deadline);
      reject(err);
    });
    cr.end(req.body);
  });
}

/**
 * Send a request and follow redirects. Authorization goes only to the origin it was meant for:
 * a redirect to another host (a CDN, a storage bucket) never carries the registry's credentials.
 */
export async function send(req: HttpRequest): Promise<HttpResponse> {
  let current = req;
  const origin = req.url.origin;
  for (let hop = 0; ; hop++) {
    const res = await sendOnce(current);
    const status = res.statusCode ?? 0;
    const location = header(res, 'location');
    if (![301, 302, 303, 307, 308].includes(status) || location === undefined) {
      return { res, status, url: current.url };
    }
    res.resume();
    if (hop >= MAX_REDIRECTS) {
      throw new ImageChangelogError(
        'TOO_MANY_REDIRECTS',
        `more than ${MAX_REDIRECTS} redirects while fetching ${req.subject}`,
      );
    }
    const next = new URL(location, current.url);
    if (
      current.url.protocol === 'https:' &&
      next.protocol === 'http:' &&
      !req.allowPlainHttp(next.hostname)
    ) {
      throw new ImageChangelogError(
        'INSECURE_REDIRECT',
        `refusing a redirect from HTTPS to plain HTTP (${next.host}) for ${req.subject}`,
        {
          subject: next.host,
        },
      );
    }
    const headers = { ...current.headers };
    if (next.origin !== origin) {
      delete headers.authorization;
      delete headers.Authorization;
    }
    const method = status === 303 ? 'GET' : (current.method ?? 'GET');
    current = { ...current, url: next, headers, method };
    if (method === 'GET') delete current.body;
  }
}

/** Read a small body fully, refusing more than `maxBytes`. */
export async function readBody(res: IncomingMessage, maxBytes: number, subject: string): Promise<Buffer> {
  const declared = Number(header(res, 'content-length') ?? NaN);
  if (declared > maxBytes) {
    res.destroy();
    throw tooLarge(subject, maxBytes);
  }
  return readCapped(res, maxBytes, () => tooLarge(subject, maxBytes));
}

function tooLarge(subject: string, maxBytes: number): ImageChangelogError {
  return new ImageChangelogError(
    'RESPONSE_TOO_LARGE',
    `${subject} is larger than the ${maxBytes}-byte limit`,
    {
      subject,
    },
  );
}
