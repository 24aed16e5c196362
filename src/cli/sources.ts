import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ImageSource } from '../image/types.js';
import { createRemoteSources } from '../image/remote-sources.js';
import type { CommonFlags } from './args.js';

/** Registry and docker-daemon sources for the CLI, from flags and the environment. */
export function buildSources(flags: CommonFlags, env: NodeJS.ProcessEnv): ImageSource[] {
  const username = flags.username ?? env.REGISTRY_USERNAME;
  const password = flags.password ?? env.REGISTRY_PASSWORD;
  return createRemoteSources({
    ...(username && password ? { username, password } : {}),
    ...(env.GITHUB_TOKEN ? { githubToken: env.GITHUB_TOKEN } : {}),
    dockerConfigPath: join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json'),
    insecureRegistries: flags.insecureRegistries,
    ...(env.DOCKER_HOST ? { dockerHost: env.DOCKER_HOST } : {}),
    helperEnv: env,
    ...(flags.registryTimeoutMs ? { idleTimeoutMs: flags.registryTimeoutMs } : {}),
  }).sources;
}
