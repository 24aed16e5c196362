import type { RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRemoteSources, type RemoteSources } from '../image/remote-sources.js';
import type { BlobProgress } from '../image/registry.js';

/**
 * How a run reaches registries and the Docker daemon. The adapter hands its environment over as
 * plain data (the core never reads `process.env`): Docker's own conventions (`DOCKER_CONFIG`,
 * `HOME`, `DOCKER_HOST`, credential helpers) are applied here, once.
 */
export interface RegistryAccess {
  /** Explicit credentials; else docker's config.json, a credential helper, or the GitHub token for ghcr.io. */
  username?: string;
  password?: string;
  githubToken?: string;
  /** Hosts allowed over plain HTTP (loopback always is). */
  insecureRegistries?: string[];
  /** A registry request fails when no byte arrives for this long. */
  idleTimeoutMs?: number;
  /** The environment: DOCKER_CONFIG, HOME, DOCKER_HOST, and what credential helpers need. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Called with every secret as soon as it is known, so the adapter can mask it. */
  onSecret?: (secret: string) => void;
  onDownload?: (progress: BlobProgress) => void;
  /** Options for TLS connections to registries and token services (a private CA, an agent). */
  tls?: RequestOptions;
}

/** Docker's config.json: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

/** The registry and daemon sources of one run (one registry client: tokens, download limit). */
export function openRegistryAccess(access: RegistryAccess): RemoteSources {
  const env = access.env ?? {};
  return createRemoteSources({
    ...(access.username && access.password ? { username: access.username, password: access.password } : {}),
    ...(access.githubToken ? { githubToken: access.githubToken } : {}),
    dockerConfigPath: dockerConfigPath(env),
    insecureRegistries: access.insecureRegistries ?? [],
    ...(env.DOCKER_HOST ? { dockerHost: env.DOCKER_HOST } : {}),
    helperEnv: env,
    ...(access.onSecret ? { onSecret: access.onSecret } : {}),
    ...(access.onDownload ? { onProgress: access.onDownload } : {}),
    ...(access.idleTimeoutMs ? { idleTimeoutMs: access.idleTimeoutMs } : {}),
    ...(access.tls ? { tls: access.tls } : {}),
  });
}
