import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from './host-tools.js';

const execFileAsync = promisify(execFile);

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface LocalRegistryOptions {
  /** Storage root to use instead of a fresh one (two registries in turn over the same content). */
  storage?: string;
  auth?:
    | { kind: 'htpasswd'; user: string; password: string }
    | {
        kind: 'token';
        users: Record<string, string>;
        /** The realm and service the registry names in its challenge (default: the token service's own URL, `test-registry`). */
        realm?: string;
        service?: string;
      };
}

/** A bearer token service signing JWTs the way Docker's distribution verifies them (RS256, libtrust `kid`). */
class TokenService {
  readonly issued: string[] = [];
  /** Every request as it came: the query (service, scope) and the Authorization header, if any. */
  readonly requests: Array<{ query: URLSearchParams; authorization?: string }> = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  port = 0;
  constructor(
    private readonly key: KeyObject,
    private readonly kid: string,
    private readonly users: Record<string, string>,
  ) {}

  get realm(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.realm);
    const auth = req.headers.authorization ?? '';
    this.requests.push({ query: url.searchParams, ...(auth ? { authorization: auth } : {}) });
    let subject = '';
    if (auth.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (!user || this.users[user] !== rest.join(':')) {
        res.writeHead(401);
        return void res.end('{"details":"bad credentials"}');
      }
      subject = user;
    }
    const access = url.searchParams.getAll('scope').flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (!type || !name || !actions) return [];
      // Anonymous callers may pull; named users may also push.
      const allowed = actions
        .split(',')
        .filter((a) => a === 'pull' || (subject !== '' && (a === 'push' || a === '*')));
      return [{ type, name, actions: allowed }];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = jwt(this.key, this.kid, {
      iss: 'image-changelog-test-issuer',
      sub: subject,
      aud: url.searchParams.get('service') ?? '',
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    });
    this.issued.push(token);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: 300 }));
  }
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function jwt(key: KeyObject, kid: string, claims: object): string {
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid }));
  const body = b64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), key);
  return `${head}.${body}.${b64url(signature)}`;
}

/** libtrust's key ID: base32 of the first 240 bits of SHA-256(SPKI DER), in groups of four. */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const bytes = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join(':');
}

/** Debian's docker-registry (distribution 2.8) on 127.0.0.1, with filesystem storage in a temp dir. */
export class LocalRegistry {
  port = 0;
  dir = '';
  tokens: TokenService | undefined;
  private child: ChildProcess | undefined;
  private log = '';

  constructor(private readonly options: LocalRegistryOptions = {}) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'ic-registry-'));
    this.port = await freePort();
    const storage = this.options.storage ?? join(this.dir, 'storage');
    await mkdir(storage, { recursive: true });
    let auth = '';
    const a = this.options.auth;
    if (a?.kind === 'htpasswd') {
      const line = execFileSync('htpasswd', ['-Bbn', a.user, a.password], { encoding: 'utf8' });
      await writeFile(join(this.dir, 'htpasswd'), line);
      auth = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${join(this.dir, 'htpasswd')}\n`;
    } else if (a?.kind === 'token') {
      const keyPath = join(this.dir, 'key.pem');
      const certPath = join(this.dir, 'cert.pem');
      selfSignedCertificate(keyPath, certPath, '/CN=token-signer');
      const key = createPrivateKey(await readFile(keyPath));
      this.tokens = new TokenService(key, libtrustKeyId(createPublicKey(key)), a.users);
      await this.tokens.start();
      auth =
        `auth:\n  token:\n    realm: ${a.realm ?? this.tokens.realm}\n    service: ${a.service ?? 'test-registry'}\n` +
        `    issuer: image-changelog-test-issuer\n    rootcertbundle: ${certPath}\n`;
    }
    const config =
      `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n` +
      `  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${this.port}\n${auth}`;
    await writeFile(join(this.dir, 'config.yml'), config);
    this.child = spawn('docker-registry', ['serve', join(this.dir, 'config.yml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    for (let i = 0; i < 200; i++) {
      if (this.child.exitCode !== null) throw new Error(`docker-registry exited: ${this.log}`);
      const ok = await fetch(`http://${this.host}/v2/`).then(
        () => true,
        () => false,
      );
      if (ok) return this;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`docker-registry did not start: ${this.log}`);
  }

  /**
   * Push an OCI layout's tagged image (or whole index with `all`) with skopeo. Asynchronous: the
   * token service runs in this process and must answer skopeo meanwhile.
   */
  async push(
    layoutDir: string,
    tag: string,
    repo: string,
    options: { creds?: string; all?: boolean } = {},
  ): Promise<void> {
    const args = ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false'];
    if (options.all) args.push('--all');
    if (options.creds) args.push('--dest-creds', options.creds);
    args.push(`oci:${layoutDir}:${tag}`, `docker://${this.host}/${repo}:${tag}`);
    await execFileAsync('skopeo', args, { timeout: 120_000 });
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await this.tokens?.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
