import type { ImageSource } from '../image/types.js';
import type { CommonFlags } from './args.js';

/** Registry and docker-daemon sources for the CLI, from flags and the environment. */
export function buildSources(_flags: CommonFlags, _env: NodeJS.ProcessEnv): ImageSource[] {
  return [];
}
