import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { ImageChangelogError } from '../util/errors.js';
import { DEADLINE_EXCEEDED, header } from './http.js';
import { finalRateLimit } from './rate-limit.js';
import { isTransient, retryDelay, sleepFor, TransientError, type RetryPolicy } from './retry.js';

export interface BlobResponse {
  res: IncomingMessage;
  status: number;
}

export interface VerifiedBlobOptions {
  digest: string;
  /** Expected size from the descriptor, when known: more bytes is an error, fewer is a dropped transfer. */
  size?: number;
  /** For messages: `blob sha256:… of ghcr.io/org/app`. */
  subject: string;
  /** The registry host, for the rate-limit line when 429s outlast the retries. */
  registry?: string;
  retry: RetryPolicy;
  /** Open the blob from byte `offset` (a Range request when offset > 0); throws on a bad status. */
  fetch: (offset: number) => Promise<BlobResponse>;
  onProgress?: (bytes: number, total: number | undefined) => void;
  /** Called once when the stream ends, fails or is destroyed (releases a concurrency slot). */
  onClose?: () => void;
}

/**
 * Open a blob as a stream that verifies its digest while it flows and survives dropped connections.
 * After a failure it resumes with `Range: bytes=N-` when the server supports ranges; otherwise it
 * starts again from byte 0 and skips what was already delivered. The hash always covers exactly
 * the bytes handed downstream, so a completed stream is a verified one.
 */
export async function openVerifiedBlob(o: VerifiedBlobOptions): Promise<Readable> {
  const algorithm = o.digest.split(':')[0] ?? '';
  if (!['sha256', 'sha384', 'sha512'].includes(algorithm)) {
    o.onClose?.();
    throw new ImageChangelogError('DIGEST_UNSUPPORTED', `unsupported digest algorithm in ${o.digest}`, {
      subject: o.digest,
    });
  }
  let first: BlobResponse;
  try {
    first = await firstResponse(o);
  } catch (err) {
    o.onClose?.();
    throw finalError(o, err, o.retry.maxAttempts);
  }
  return new VerifiedBlobStream(o, createHash(algorithm), first);
}

async function firstResponse(o: VerifiedBlobOptions): Promise<BlobResponse> {
  for (let n = 1; ; n++) {
    try {
      return await o.fetch(0);
    } catch (err) {
      if (!isTransient(err) || n >= o.retry.maxAttempts) throw err;
      await sleepFor(
        o.retry,
        retryDelay(o.retry, n, err instanceof TransientError ? err.retryAfter : undefined),
      );
    }
  }
}

function finalError(o: VerifiedBlobOptions, err: unknown, attempts: number): Error {
  if (err instanceof ImageChangelogError) return err;
  const limited = o.registry !== undefined ? finalRateLimit(err, o.registry, o.subject) : undefined;
  if (limited) return limited;
  const message = err instanceof Error ? err.message : String(err);
  const errCode = (err as { code?: string } | undefined)?.code;
  const code =
    errCode === 'IDLE_TIMEOUT' || errCode === DEADLINE_EXCEEDED ? 'REGISTRY_TIMEOUT' : 'BLOB_DOWNLOAD';
  const what = code === 'REGISTRY_TIMEOUT' ? message : `downloading ${o.subject} failed: ${message}`;
  return new ImageChangelogError(code, `${what} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`, {
    subject: o.digest,
    cause: err,
  });
}

class VerifiedBlobStream extends Readable {
  private delivered = 0;
  private skip = 0;
  private rangeOk = false;
  private attempt = 1;
  private current: IncomingMessage | undefined;
  private slotReleased = false;

  constructor(
    private readonly o: VerifiedBlobOptions,
    private readonly hash: Hash,
    first: BlobResponse,
  ) {
    super();
    this.attach(first);
  }

  override _read(): void {
    if (this.current?.isPaused()) this.current.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.current?.destroy();
    this.current = undefined;
    this.release();
    callback(err);
  }

  private release(): void {
    if (this.slotReleased) return;
    this.slotReleased = true;
    this.o.onClose?.();
  }

  private attach({ res, status }: BlobResponse): void {
    if (this.destroyed) {
      res.destroy();
      return;
    }
    if (status === 206) {
      const start = /^bytes (\d+)-/.exec(header(res, 'content-range') ?? '')?.[1];
      if (start === undefined || Number(start) !== this.delivered) {
        res.destroy();
        this.rangeOk = false;
        this.fail(new TransientError(`the server resumed ${this.o.subject} at the wrong offset`));
        return;
      }
      this.skip = 0;
      this.rangeOk = true;
    } else {
      // A full body: anything already delivered is skipped, not delivered twice.
      this.skip = this.delivered;
      this.rangeOk = header(res, 'accept-ranges')?.toLowerCase() === 'bytes';
    }
    this.current = res;
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled || this.current !== res) return;
      settled = true;
      fn();
    };
    res.on('data', (chunk: Buffer) => {
      if (settled || this.current !== res) return;
      let data = chunk;
      if (this.skip > 0) {
        const drop = Math.min(this.skip, data.length);
        this.skip -= drop;
        data = data.subarray(drop);
        if (data.length === 0) return;
      }
      this.delivered += data.length;
      if (this.o.size !== undefined && this.o.size >= 0 && this.delivered > this.o.size) {
        settle(() => this.destroy(this.sizeError('more')));
        return;
      }
      this.hash.update(data);
      this.o.onProgress?.(this.delivered, this.o.size);
      if (!this.push(data)) res.pause();
    });
    res.on('end', () => settle(() => this.finish(header(res, 'content-length') !== undefined)));
    res.on('error', (err) => settle(() => this.fail(err)));
    res.on('close', () => {
      if (!res.complete)
        settle(() =>
          this.fail(new TransientError(`connection closed early while fetching ${this.o.subject}`)),
        );
    });
  }

  /** `framed`: the response declared its length, so a short body was sent as such, not cut off. */
  private finish(framed: boolean): void {
    this.current = undefined;
    const short = this.o.size !== undefined && this.o.size >= 0 && this.delivered < this.o.size;
    if (short && framed && this.skip === 0) {
      this.destroy(this.sizeError('fewer bytes'));
      return;
    }
    if (this.skip > 0 || short) {
      this.fail(new TransientError(`the transfer of ${this.o.subject} ended early`));
      return;
    }
    const actual = `${this.o.digest.split(':')[0]}:${this.hash.digest('hex')}`;
    if (actual !== this.o.digest) {
      this.destroy(
        new ImageChangelogError(
          'DIGEST_MISMATCH',
          `${this.o.subject}: the registry sent content with digest ${actual}`,
          {
            subject: this.o.digest,
            hint: 'the registry or a proxy served wrong content; nothing from it was used',
          },
        ),
      );
      return;
    }
    this.release();
    this.push(null);
  }

  private sizeError(which: 'more' | 'fewer bytes'): ImageChangelogError {
    return new ImageChangelogError(
      'SIZE_MISMATCH',
      `${this.o.subject}: the registry sent ${which} than the ${this.o.size} bytes the manifest declares`,
      {
        subject: this.o.digest,
      },
    );
  }

  private fail(err: unknown): void {
    this.current?.destroy();
    this.current = undefined;
    if (this.destroyed) return;
    if (!isTransient(err) || this.attempt >= this.o.retry.maxAttempts) {
      this.destroy(finalError(this.o, err, this.attempt));
      return;
    }
    const delay = retryDelay(
      this.o.retry,
      this.attempt,
      err instanceof TransientError ? err.retryAfter : undefined,
    );
    this.attempt++;
    const offset = this.rangeOk ? this.delivered : 0;
    sleepFor(this.o.retry, delay)
      .then(() => (this.destroyed ? undefined : this.o.fetch(offset)))
      .then(
        (next) => {
          if (next) this.attach(next);
        },
        (e: unknown) => this.fail(e),
      );
  }
}
