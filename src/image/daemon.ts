import { readCapped } from '../util/read-capped.js';
import http, { type IncomingMessage } from 'node:http';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageChangelogError } from '../util/errors.js';
import type { Image, ImageSource, OpenImageOptions } from './types.js';
import { parseTransport } from './source-reference.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** Where the Engine API listens. */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string; text: string }
  | { kind: 'tcp'; host: string; port: number; text: string };

/** `unix:///path` or `tcp://host:port` (DOCKER_HOST syntax); undefined or empty = the default socket. */
export function parseDockerHost(value: string | undefined): DockerEndpoint {
  const text = value === undefined || value.trim() === '' ? DEFAULT_DOCKER_HOST : value.trim();
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw badHost(text, 'the socket path must be absolute');
    return { kind: 'unix', socketPath, text };
  }
  if (text.startsWith('/')) return { kind: 'unix', socketPath: text, text: `unix://${text}` };
  const tcp = /^(?:tcp|http):\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(text);
  if (tcp) return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port: Number(tcp[2] ?? 2375), text };
  if (/^(npipe|ssh|https):/.test(text))
    throw badHost(text, 'only unix:// sockets and plain tcp:// are supported');
  throw badHost(text, 'expected unix:///path/to/docker.sock or tcp://host:port');
}

function badHost(text: string, why: string): ImageChangelogError {
  return new ImageChangelogError('DOCKER_HOST_INVALID', `invalid Docker host "${text}": ${why}`, {
    subject: text,
  });
}

export interface DaemonSourceOptions {
  /** DOCKER_HOST as the adapter read it; default the standard socket. */
  dockerHost?: string;
  /** Where the exported archive is spooled (default: the OS temp directory). */
  tmpDir?: string;
  /** Opens the spooled `docker save` tar; the docker-archive source. */
  archiveSource: ImageSource;
  /** Called with bytes received while the daemon exports the image. */
  onProgress?: (bytes: number) => void;
  timeoutMs?: number;
  /**
   * Largest export spooled (default DEFAULT_MAX_DAEMON_EXPORT_BYTES). The spool also stops before it
   * would leave less than DAEMON_SPOOL_FREE_RESERVE_BYTES free on its disk: an endless export must
   * not fill the disk before any layer bound applies.
   */
  maxArchiveBytes?: number;
}

export const DEFAULT_MAX_DAEMON_EXPORT_BYTES = 64 * 1024 ** 3;
export const DAEMON_SPOOL_FREE_RESERVE_BYTES = 512 * 1024 ** 2;

/** What the daemon says about an image (`GET /images/{name}/json`). */
export interface DaemonImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
}

// Image names and IDs the Engine API accepts; anything else is refused before it reaches a URL.
const DAEMON_NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/:@[\]]*$/;

/** A client for the few Engine API calls this tool needs, over a unix socket or tcp. */
export class DockerEngine {
  readonly endpoint: DockerEndpoint;

  constructor(
    dockerHost: string | undefined,
    private readonly timeoutMs = 60_000,
  ) {
    this.endpoint = parseDockerHost(dockerHost);
  }

  request(path: string): Promise<IncomingMessage> {
    const e = this.endpoint;
    const where = e.kind === 'unix' ? { socketPath: e.socketPath } : { host: e.host, port: e.port };
    return new Promise((resolve, reject) => {
      const req = http.request(
        { ...where, path, method: 'GET', headers: { host: 'docker', 'user-agent': 'image-changelog' } },
        resolve,
      );
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (err) => reject(this.unreachable(err)));
      req.end();
    });
  }

  private unreachable(err: Error): ImageChangelogError {
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    return new ImageChangelogError(
      'DAEMON_UNREACHABLE',
      `cannot reach the Docker daemon at ${this.endpoint.text} (${code})`,
      {
        subject: this.endpoint.text,
        hint: 'is Docker running? set DOCKER_HOST to its socket, e.g. unix:///var/run/docker.sock or tcp://host:2375',
        cause: err,
      },
    );
  }

  async ping(): Promise<void> {
    const res = await this.request('/_ping');
    const body = await readSmall(res, 4096);
    if (res.statusCode !== 200) {
      throw new ImageChangelogError(
        'DAEMON_UNREACHABLE',
        `the Docker daemon at ${this.endpoint.text} answered ${res.statusCode} to /_ping`,
        {
          subject: this.endpoint.text,
          hint: body.slice(0, 100),
        },
      );
    }
  }

  async inspect(name: string): Promise<DaemonImageInfo> {
    checkName(name);
    const res = await this.request(`/images/${name}/json`);
    const body = await readSmall(res, 16 * 1024 * 1024);
    if (res.statusCode === 404) {
      throw new ImageChangelogError(
        'IMAGE_NOT_FOUND',
        `image ${name} is not in the Docker daemon at ${this.endpoint.text}`,
        {
          subject: name,
          hint: 'build or pull it first (docker/build-push-action needs load: true)',
        },
      );
    }
    if (res.statusCode !== 200) throw this.failure(`inspecting ${name}`, res.statusCode, body);
    let parsed: { Id?: unknown; RepoTags?: unknown; RepoDigests?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      throw new ImageChangelogError(
        'DAEMON_ERROR',
        `the Docker daemon answered invalid JSON when inspecting ${name}`,
        { subject: name },
      );
    }
    if (typeof parsed.Id !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(parsed.Id)) {
      throw new ImageChangelogError('DAEMON_ERROR', `the Docker daemon gave no image ID for ${name}`, {
        subject: name,
      });
    }
    const strings = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    return { id: parsed.Id, repoTags: strings(parsed.RepoTags), repoDigests: strings(parsed.RepoDigests) };
  }

  /** `GET /images/{name}/get`: the `docker save` tar as a stream. */
  async export(name: string): Promise<IncomingMessage> {
    checkName(name);
    const res = await this.request(`/images/${name}/get`);
    if (res.statusCode !== 200)
      throw this.failure(`exporting ${name}`, res.statusCode, await readSmall(res, 64 * 1024));
    return res;
  }

  private failure(what: string, status: number | undefined, body: string): ImageChangelogError {
    let message = '';
    try {
      const m = (JSON.parse(body) as { message?: unknown }).message;
      if (typeof m === 'string')
        message = `: ${m
          .replace(/\s+/g, ' ')
          .replace(/[^\x20-\x7e]/g, '?')
          .slice(0, 200)}`;
    } catch {
      // no message
    }
    return new ImageChangelogError('DAEMON_ERROR', `the Docker daemon answered ${status} ${what}${message}`, {
      subject: this.endpoint.text,
    });
  }
}

function checkName(name: string): void {
  if (!DAEMON_NAME.test(name) || name.includes('..') || name.length > 512) {
    throw new ImageChangelogError(
      'REFERENCE_INVALID',
      `invalid image name for the Docker daemon: "${name}"`,
      {
        subject: name,
      },
    );
  }
}

async function readSmall(res: IncomingMessage, max: number): Promise<string> {
  const body = await readCapped(
    res,
    max,
    () => new ImageChangelogError('RESPONSE_TOO_LARGE', `the Docker daemon's answer is over ${max} bytes`),
  );
  return body.toString('utf8');
}

/** `docker-daemon:NAME[:TAG]` -> the name the daemon is asked for (`:latest` added, as docker does). */
export function daemonImageName(reference: string): string {
  const parsed = parseTransport(reference);
  const name = parsed.transport === 'docker-daemon' ? parsed.rest : reference;
  if (name === '')
    throw new ImageChangelogError('REFERENCE_INVALID', `no image named in "${reference}"`, {
      subject: reference,
    });
  if (/^sha256:[a-f0-9]{64}$/.test(name) || name.includes('@')) return name;
  const lastSlash = name.lastIndexOf('/');
  return name.lastIndexOf(':') > lastSlash ? name : `${name}:latest`;
}

/**
 * Images in the local Docker daemon (`docker-daemon:NAME[:TAG]`), read through the Engine API.
 *
 * A `docker save` tar may place manifest.json after the layers, and layers must be re-openable, so
 * the export is spooled once to a temporary FILE (the archive as the daemon sent it, not an
 * extraction) and opened with the docker-archive source. `close()` deletes it. The image is
 * exported by ID, so the archive holds exactly that image even when the repository has other tags.
 */
export class DaemonSource implements ImageSource {
  readonly transport = 'docker-daemon';
  private readonly engine: DockerEngine;

  constructor(private readonly options: DaemonSourceOptions) {
    this.engine = new DockerEngine(options.dockerHost, options.timeoutMs);
  }

  async open(reference: string, options: OpenImageOptions): Promise<Image> {
    const name = daemonImageName(reference);
    await this.engine.ping();
    const info = await this.engine.inspect(name);
    const dir = await mkdtemp(join(this.options.tmpDir ?? tmpdir(), 'image-changelog-daemon-'));
    const archive = join(dir, 'image.tar');
    try {
      const res = await this.engine.export(info.id);
      const limit = await this.spoolLimit(dir);
      let bytes = 0;
      const onProgress = this.options.onProgress;
      const bounded = new Transform({
        transform: (chunk: Buffer, _encoding, callback) => {
          bytes += chunk.length;
          if (bytes > limit.bytes) {
            callback(
              new ImageChangelogError(
                'RESPONSE_TOO_LARGE',
                `the Docker daemon's export of ${name} passed ${limit.bytes} bytes (${limit.why}); spooling stopped`,
                { subject: name, hint: 'check the image with docker image inspect, or free disk space' },
              ),
            );
            return;
          }
          onProgress?.(bytes);
          callback(null, chunk);
        },
      });
      await pipeline(res, bounded, createWriteStream(archive, { mode: 0o600 }));
      const image = await this.options.archiveSource.open(archive, options);
      let closed = false;
      return Object.freeze({
        ...image,
        reference,
        close: async () => {
          if (closed) return;
          closed = true;
          await image.close();
          await rm(dir, { recursive: true, force: true });
        },
      });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      if (err instanceof ImageChangelogError) throw err;
      throw new ImageChangelogError(
        'DAEMON_ERROR',
        `exporting ${name} from the Docker daemon failed: ${(err as Error).message}`,
        {
          subject: name,
          cause: err,
        },
      );
    }
  }

  /** The export's bound: the option, or what the spool's disk can hold above the reserve. */
  private async spoolLimit(dir: string): Promise<{ bytes: number; why: string }> {
    const max = this.options.maxArchiveBytes ?? DEFAULT_MAX_DAEMON_EXPORT_BYTES;
    const fs = await statfs(dir).catch(() => undefined);
    const free =
      fs === undefined ? Number.POSITIVE_INFINITY : fs.bavail * fs.bsize - DAEMON_SPOOL_FREE_RESERVE_BYTES;
    return free < max
      ? {
          bytes: Math.max(0, free),
          why: `the free space of ${dir}, less a ${DAEMON_SPOOL_FREE_RESERVE_BYTES}-byte reserve`,
        }
      : { bytes: max, why: 'the export size limit' };
  }

  inspect(reference: string): Promise<DaemonImageInfo> {
    return this.engine.inspect(daemonImageName(reference));
  }
}
