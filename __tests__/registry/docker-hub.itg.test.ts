import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDockerfileChangelogs } from '../../src/core/dockerfile.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { LocalRegistry } from '../helpers/local-registry.js';
import { world } from '../world/world.js';
import { missingTools, selfSignedCertificate } from '../helpers/host-tools.js';

// Docker Hub as the code meets it, played by real parts on 127.0.0.1: `FROM node:old` must become
// registry-1.docker.io's library/node, whose 401 names auth.docker.io as the realm; the anonymous
// pull token from there is a JWT that Debian's docker-registry (configured with Docker Hub's realm and
// service names) verifies against its root certificate bundle. A TLS front with a certificate for both
// host names (from a test CA) stands in for them, reached through an agent that connects every
// https request to it: the host names, SNI and certificate checks stay as they are.
const missing = missingTools(['docker-registry', 'skopeo', 'openssl'], 'Docker Hub token-flow tests');

interface FrontRequest {
  host: string;
  path: string;
  authorization?: string;
}

describe.skipIf(missing.length > 0)('Docker Hub library names and the anonymous token flow', () => {
  let storage: string;
  let registry: LocalRegistry;
  const hubRegistry = (): LocalRegistry =>
    new LocalRegistry({
      storage,
      auth: {
        kind: 'token',
        users: { pusher: 'push-pw' },
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
      },
    });
  const seen: FrontRequest[] = [];
  const faults: Array<{ host: string; status: number; headers: Record<string, string> }> = [];
  let front: https.Server;
  let ca: Buffer;
  let agent: https.Agent;
  let dockerConfig: string;

  beforeAll(async () => {
    // skopeo cannot reach auth.docker.io: push to an open registry over the same storage first.
    storage = await mkdtemp(join(tmpdir(), 'ic-hub-storage-'));
    const open = await new LocalRegistry({ storage }).start();
    try {
      await open.push(world.layout, 'old', 'library/node');
      await open.push(world.layout, 'new', 'library/node');
    } finally {
      await open.stop();
    }
    registry = await hubRegistry().start();
    const dir = await mkdtemp(join(tmpdir(), 'ic-hub-'));
    selfSignedCertificate(
      join(dir, 'key.pem'),
      join(dir, 'cert.pem'),
      '/CN=docker-hub-stand-in',
      'DNS:registry-1.docker.io,DNS:auth.docker.io',
    );
    ca = await readFile(join(dir, 'cert.pem'));
    dockerConfig = dir; // holds no config.json: no credentials at all
    const upstream: Record<string, string> = {
      'registry-1.docker.io': registry.host,
      'auth.docker.io': `127.0.0.1:${registry.tokens!.port}`,
    };
    front = https.createServer({ key: await readFile(join(dir, 'key.pem')), cert: ca }, (req, res) => {
      const host = (req.headers.host ?? '').replace(/:443$/, '');
      const path = req.url ?? '/';
      seen.push({
        host,
        path,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      const fault = faults.find((f) => f.host === host);
      if (fault) {
        res.writeHead(fault.status, fault.headers);
        return void res.end();
      }
      const target = upstream[host];
      if (!target) {
        res.writeHead(421);
        return void res.end();
      }
      const up = http.request(
        `http://${target}${path}`,
        { method: req.method, headers: { ...req.headers, host: target } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const port = (front.address() as AddressInfo).port;
    // Every https connection goes to the front, named as asked (SNI and the certificate check).
    agent = new (class extends https.Agent {
      override createConnection(options: tls.ConnectionOptions): tls.TLSSocket {
        return tls.connect({
          ...options,
          servername: options.servername ?? options.host,
          host: '127.0.0.1',
          port,
        });
      }
    })({ keepAlive: false });
  });
  afterAll(async () => {
    front?.closeAllConnections();
    await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
    await registry?.stop();
    await rm(storage, { recursive: true, force: true });
  });
  beforeEach(() => {
    seen.length = 0;
    faults.length = 0;
    registry.tokens!.requests.length = 0;
  });

  const compare = () =>
    buildDockerfileChangelogs(
      { files: [{ path: 'Dockerfile', old: 'FROM node:old\n', new: 'FROM node:new\n' }] },
      { registry: { tls: { agent, ca }, env: { DOCKER_CONFIG: dockerConfig, HOME: dockerConfig } } },
    );

  it('reads `node` as library/node on registry-1.docker.io, with an anonymous token from auth.docker.io', async () => {
    // node:old and node:new are the world's two bookworm images, pushed under Docker Hub's library name.
    const [file] = await compare();
    const stage = file!.stages[0]!;
    expect(stage.pair.old?.base).toMatchObject({ kind: 'image', reference: 'docker.io/library/node:old' });
    expect(stage.pair.new?.base).toMatchObject({ kind: 'image', reference: 'docker.io/library/node:new' });
    const changes = stage.comparison!.changes;
    expect(changes.hasChanges).toBe(true);
    expect(changes.packages.some((p) => p.name === 'curl' && p.kind === 'added')).toBe(true);

    const api = seen.filter((q) => q.host === 'registry-1.docker.io' && q.path !== '/v2/');
    expect(api.some((q) => q.path === '/v2/library/node/manifests/old')).toBe(true);
    expect(api.some((q) => q.path === '/v2/library/node/manifests/new')).toBe(true);
    expect(api.every((q) => q.path.startsWith('/v2/library/node/'))).toBe(true);
    const tokenRequests = seen.filter((q) => q.host === 'auth.docker.io');
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const q of tokenRequests) {
      const query = new URL(q.path, 'https://auth.docker.io').searchParams;
      expect(q.authorization).toBeUndefined(); // anonymous
      expect(query.get('service')).toBe('registry.docker.io');
      expect(query.getAll('scope')).toEqual(['repository:library/node:pull']);
    }
    // One registry client for the run: one token serves both images.
    expect(registry.tokens!.issued).toHaveLength(tokenRequests.length);
    for (const q of api) expect(registry.tokens!.issued).toContain(q.authorization?.slice(7));
  });

  it("names Docker Hub's rate limit in one line when its token service answers 429", async () => {
    faults.push({
      host: 'auth.docker.io',
      status: 429,
      headers: {
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '0;w=21600',
        'retry-after': '7200',
      },
    });
    const err = await compare().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageChangelogError);
    expect((err as ImageChangelogError).code).toBe('RATE_LIMITED');
    expect((err as ImageChangelogError).oneLine()).toBe(
      'Docker Hub rate limit reached while fetching a token for repository:library/node:pull from auth.docker.io: ' +
        '0 of 100 pulls left per 6 h, resets in 2 h (log in to raise the limit: docker/login-action before this step ' +
        '(or registry-username/registry-password when the action compares an image), docker login for the CLI; nothing was compared)',
    );
    expect(seen.filter((q) => q.host === 'auth.docker.io')).toHaveLength(1);
    expect(seen.filter((q) => q.path.includes('/blobs/'))).toEqual([]);
  });
});
