import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { ImageChangelogError } from '../util/errors.js';
import { DOCKER_HUB_REGISTRY, isDockerHubHost } from '../oci/reference.js';

/** What the registry gets to prove who we are. */
export type Credential =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (`identitytoken` in docker config, `<token>` from a helper). */
  | { kind: 'identity-token'; token: string };

export interface CredentialOptions {
  /** Path of a docker `config.json` (`~/.docker/config.json`); absent file = no entries. */
  dockerConfigPath?: string;
  /** Credentials given explicitly (action inputs / CLI flags). */
  username?: string;
  password?: string;
  /** Registry hosts the explicit credentials are for; default: every registry. */
  explicitRegistries?: string[];
  /** A GitHub token, used for ghcr.io when nothing more specific is configured. */
  githubToken?: string;
  githubActor?: string;
  /** Environment for `docker-credential-*` helpers (they are found on its PATH). */
  helperEnv?: NodeJS.ProcessEnv;
  helperTimeoutMs?: number;
  /** Called with every secret as soon as it is known, so an adapter can mask it before any log line. */
  onSecret?: (secret: string) => void;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `https://Registry.example.com/v1/` -> `registry.example.com`; Docker Hub's names -> its API host. */
export function normalizeRegistryKey(key: string): string {
  const host =
    key
      .replace(/^[a-z]+:\/\//i, '')
      .split('/')[0]
      ?.toLowerCase() ?? '';
  return isDockerHubHost(host) ? DOCKER_HUB_REGISTRY : host;
}

/** The server URL docker itself hands to credential helpers for this registry. */
function helperServerUrl(registry: string): string {
  return registry === DOCKER_HUB_REGISTRY ? DOCKER_HUB_SERVER : registry;
}

/**
 * Looks up credentials for a registry: explicit options first, then docker's config (`credHelpers`,
 * `credsStore`, `auths`), then the GitHub token for ghcr.io. Remembers every secret it handed out.
 */
export class CredentialStore {
  private readonly secrets = new Set<string>();
  private config: Promise<DockerConfig | undefined> | undefined;
  private readonly cache = new Map<string, Promise<Credential | undefined>>();

  constructor(private readonly options: CredentialOptions = {}) {
    if (options.password) this.remember(options.password);
    if (options.githubToken) this.remember(options.githubToken);
  }

  /** Every secret seen so far (passwords, tokens), for masking. */
  collectSecrets(): string[] {
    return [...this.secrets];
  }

  remember(secret: string): void {
    if (secret === '' || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.options.onSecret?.(secret);
  }

  lookup(registry: string): Promise<Credential | undefined> {
    const key = normalizeRegistryKey(registry);
    let found = this.cache.get(key);
    if (!found) {
      found = this.find(key);
      this.cache.set(key, found);
    }
    return found;
  }

  private async find(registry: string): Promise<Credential | undefined> {
    const o = this.options;
    if (o.username !== undefined && o.password !== undefined && o.username !== '') {
      const scope = o.explicitRegistries?.map(normalizeRegistryKey);
      if (!scope || scope.includes(registry))
        return { kind: 'basic', username: o.username, password: o.password };
    }
    const config = await this.readConfig();
    if (config) {
      const helper = config.credHelpers?.[registry] ?? findByKey(config.credHelpers, registry);
      if (helper) return this.runHelper(helper, registry);
      const auth = findByKey(config.auths, registry);
      if (config.credsStore) {
        const fromStore = await this.runHelper(config.credsStore, registry);
        if (fromStore) return fromStore;
      }
      if (auth) {
        const cred = this.fromAuthEntry(auth, registry);
        if (cred) return cred;
      }
    }
    if (registry === 'ghcr.io' && o.githubToken) {
      return { kind: 'basic', username: o.githubActor ?? 'x-access-token', password: o.githubToken };
    }
    return undefined;
  }

  private readConfig(): Promise<DockerConfig | undefined> {
    this.config ??= (async () => {
      const path = this.options.dockerConfigPath;
      if (path === undefined) return undefined;
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new ImageChangelogError('DOCKER_CONFIG_INVALID', `cannot read docker config ${path}`, {
          subject: path,
          cause: err,
        });
      }
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('not an object');
        return parsed;
      } catch {
        throw new ImageChangelogError('DOCKER_CONFIG_INVALID', `docker config ${path} is not valid JSON`, {
          subject: path,
        });
      }
    })();
    return this.config;
  }

  private fromAuthEntry(
    entry: NonNullable<DockerConfig['auths']>[string],
    registry: string,
  ): Credential | undefined {
    if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
      this.remember(entry.identitytoken);
      return { kind: 'identity-token', token: entry.identitytoken };
    }
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      if (sep <= 0) {
        throw new ImageChangelogError(
          'DOCKER_CONFIG_INVALID',
          `the "auth" entry for ${registry} in the docker config is not base64 of user:password`,
          {
            subject: registry,
          },
        );
      }
      const password = decoded.slice(sep + 1);
      this.remember(entry.auth);
      this.remember(password);
      return { kind: 'basic', username: decoded.slice(0, sep), password };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string') {
      this.remember(entry.password);
      return { kind: 'basic', username: entry.username, password: entry.password };
    }
    return undefined;
  }

  /** `docker-credential-NAME get` with the server URL on stdin; "not found" means no credentials. */
  private async runHelper(name: string, registry: string): Promise<Credential | undefined> {
    if (!HELPER_NAME.test(name)) {
      throw new ImageChangelogError(
        'CREDENTIAL_HELPER_FAILED',
        `invalid credential helper name "${name}" in the docker config`,
        { subject: name },
      );
    }
    const program = `docker-credential-${name}`;
    const out = await runProgram(program, ['get'], helperServerUrl(registry), {
      env: this.options.helperEnv,
      timeoutMs: this.options.helperTimeoutMs ?? 10_000,
    });
    if (out.code !== 0) {
      if (/credentials not found/i.test(out.stdout + out.stderr)) return undefined;
      throw new ImageChangelogError(
        'CREDENTIAL_HELPER_FAILED',
        `${program} failed for ${registry} (exit ${out.code ?? 'signal'})`,
        {
          subject: program,
          hint: out.stderr.trim().split('\n')[0]?.slice(0, 200),
        },
      );
    }
    let parsed: { Username?: unknown; Secret?: unknown };
    try {
      parsed = JSON.parse(out.stdout) as typeof parsed;
    } catch {
      throw new ImageChangelogError(
        'CREDENTIAL_HELPER_FAILED',
        `${program} printed something other than JSON for ${registry}`,
        { subject: program },
      );
    }
    if (typeof parsed.Secret !== 'string' || parsed.Secret === '') return undefined;
    this.remember(parsed.Secret);
    if (parsed.Username === '<token>') return { kind: 'identity-token', token: parsed.Secret };
    return {
      kind: 'basic',
      username: typeof parsed.Username === 'string' ? parsed.Username : '',
      password: parsed.Secret,
    };
  }
}

function findByKey<T>(map: Record<string, T> | undefined, registry: string): T | undefined {
  if (!map || typeof map !== 'object') return undefined;
  for (const [key, value] of Object.entries(map)) {
    if (normalizeRegistryKey(key) === registry) return value;
  }
  return undefined;
}

interface ProgramResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runProgram(
  program: string,
  args: string[],
  stdin: string,
  options: { env: NodeJS.ProcessEnv | undefined; timeoutMs: number },
): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new ImageChangelogError(
          'CREDENTIAL_HELPER_FAILED',
          `${program} did not answer within ${options.timeoutMs} ms`,
          { subject: program },
        ),
      );
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d.slice(0, 1 << 20)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(0, 1 << 16)));
    child.on('error', (err) => {
      clearTimeout(timer);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new ImageChangelogError(
          'CREDENTIAL_HELPER_FAILED',
          missing ? `credential helper ${program} is not on the PATH` : `cannot run ${program}`,
          {
            subject: program,
            cause: err,
          },
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}
