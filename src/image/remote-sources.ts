import type { RequestOptions } from 'node:https';
import type { ImageSource } from './types.js';
import { RegistrySource, type BlobProgress } from './registry.js';
import { registryReference } from './source-reference.js';
import { DaemonSource } from './daemon.js';
import { DockerArchiveSource } from './docker-archive.js';
import { RegistryClient } from '../registry/client.js';
import { formatReference } from '../oci/reference.js';
import { resolvePreviousByTags } from '../registry/previous.js';

export interface RemoteSourceOptions {
  username?: string;
  password?: string;
  githubToken?: string;
  /** Path of docker's config.json (the adapter resolves DOCKER_CONFIG / HOME). */
  dockerConfigPath?: string;
  insecureRegistries?: string[];
  /** DOCKER_HOST as the adapter read it. */
  dockerHost?: string;
  /** Environment for docker-credential helpers. */
  helperEnv?: NodeJS.ProcessEnv;
  /** Called with every secret (password, token) as soon as it is known, to mask it. */
  onSecret?: (secret: string) => void;
  onProgress?: (progress: BlobProgress) => void;
  /** A registry request fails when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Options for TLS connections (a private CA, an agent). */
  tls?: RequestOptions;
}

/** The registry and docker-daemon sources of one run, sharing one registry client (tokens, download limit). */
export interface RemoteSources {
  sources: ImageSource[];
  /** `repo:tag` -> `repo:tag@sha256:...`, so the changelog names exactly what was compared. */
  pinToDigest(reference: string): Promise<string>;
  /** The highest semver tag below the reference's tag, pinned to its digest; undefined when none. */
  previousByTags(reference: string): Promise<string | undefined>;
}

export function createRemoteSources(options: RemoteSourceOptions): RemoteSources {
  const client = new RegistryClient({
    credentials: {
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.githubToken !== undefined ? { githubToken: options.githubToken } : {}),
      ...(options.dockerConfigPath !== undefined ? { dockerConfigPath: options.dockerConfigPath } : {}),
      ...(options.helperEnv ? { helperEnv: options.helperEnv } : {}),
      ...(options.onSecret ? { onSecret: options.onSecret } : {}),
    },
    insecureRegistries: options.insecureRegistries ?? [],
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const registry = new RegistrySource({
    client,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const daemon = new DaemonSource({
    ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}),
    archiveSource: new DockerArchiveSource(),
  });

  const pinToDigest = async (reference: string): Promise<string> => {
    const ref = registryReference(reference);
    if (ref.digest) return formatReference(ref);
    const fetched = await client.getManifest(ref);
    // Keep the tag for the reader; the digest decides what is pulled.
    return formatReference({
      registry: ref.registry,
      repository: ref.repository,
      ...(ref.tag ? { tag: ref.tag } : {}),
      digest: fetched.digest,
    });
  };

  return {
    sources: [registry, daemon],
    pinToDigest,
    async previousByTags(reference: string): Promise<string | undefined> {
      const ref = registryReference(reference);
      if (!ref.tag) return undefined;
      const found = await resolvePreviousByTags(client, ref, ref.tag);
      return found ? pinToDigest(found.reference) : undefined;
    },
  };
}
