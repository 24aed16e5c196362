import { ImageChangelogError } from '../util/errors.js';
import { parseSize } from '../util/size.js';
import { parsePlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import { DEFAULT_DEPTH, DEFAULT_LIMITS, DEFAULT_PREVIOUS_TAG_TEMPLATE } from '../core/index.js';

/** Every input of action.yml, read once and validated. */
export interface Inputs {
  /** The new image; empty in Dockerfile mode. */
  image: string;
  /** Dockerfile mode: paths or globs of Dockerfiles whose base images a pull request changes. */
  dockerfile: string[];
  /** `build-args`: overrides of the ARG defaults the Dockerfiles declare before their first FROM. */
  buildArgs: Map<string, string>;
  /** A reference, `auto`, or undefined for a first release. */
  previous: string | undefined;
  previousTagTemplate: string;
  platform?: Platform;
  policy?: string;
  failOn: 'stop' | 'warn' | 'never';
  exclude: string[];
  defaultExcludes: boolean;
  depth: number | 'all';
  comment: 'true' | 'false' | 'on-change';
  commentKey: string;
  /** The pull request to comment on when the event has none (workflow_run). */
  pullRequest?: number;
  summary: boolean;
  releaseNotes: boolean;
  githubToken: string;
  registryUsername?: string;
  registryPassword?: string;
  insecureRegistries: string[];
  cache: boolean;
  maxLayerBytes: number;
  maxEntries: number;
}

function invalid(name: string, message: string): ImageChangelogError {
  return new ImageChangelogError('INPUT_INVALID', `input '${name}': ${message}`, { subject: name });
}

function bool(get: (name: string) => string, name: string, fallback: boolean): boolean {
  const raw = get(name).trim().toLowerCase();
  if (raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalid(name, `expected true or false, got '${get(name).trim()}'`);
}

function list(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

function sizeInput(get: (name: string) => string, name: string, fallback: number): number {
  const raw = get(name).trim();
  if (raw === '') return fallback;
  const r = parseSize(raw);
  if (!r.ok || r.value < 1)
    throw invalid(name, `expected ${r.ok ? 'a positive size' : r.expected}, got '${raw}'`);
  return r.value;
}

function countInput(get: (name: string) => string, name: string, fallback: number): number {
  const raw = get(name).trim();
  if (raw === '') return fallback;
  if (!/^[1-9]\d{0,9}$/.test(raw)) throw invalid(name, `expected a whole number above 0, got '${raw}'`);
  return Number(raw);
}

/** One item per line (globs may hold commas: `{a,b}`), blank lines and `#` comments left out. */
function lines(raw: string): string[] {
  return raw
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

function buildArgs(get: (name: string) => string): Map<string, string> {
  const args = new Map<string, string>();
  for (const item of lines(get('build-args'))) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw invalid('build-args', `expected NAME=VALUE lines, got '${item}'`);
    args.set(name, item.slice(eq + 1));
  }
  return args;
}

/** Reads inputs through `get` (core.getInput in the action, a map in tests). */
export function readInputs(get: (name: string) => string): Inputs {
  const image = get('image').trim();
  const dockerfile = lines(get('dockerfile'));
  if (image === '' && dockerfile.length === 0)
    throw invalid(
      'image',
      "required: the image to describe (e.g. ghcr.io/org/app@sha256:...), or 'dockerfile' to explain a pull request's base-image bumps",
    );
  if (image !== '' && dockerfile.length > 0)
    throw invalid(
      'dockerfile',
      "give either 'image' (an image you built) or 'dockerfile' (base images a pull request changes), not both",
    );
  if (/\s/.test(image)) throw invalid('image', `must be one reference without spaces, got '${image}'`);

  const previousRaw = get('previous').trim();
  const previous = previousRaw === '' ? undefined : previousRaw;
  if (previous && /\s/.test(previous))
    throw invalid('previous', `must be one reference, 'auto' or empty, got '${previousRaw}'`);

  const template = get('previous-tag-template').trim() || DEFAULT_PREVIOUS_TAG_TEMPLATE;
  if (!/\{tag\}|\{version\}/.test(template))
    throw invalid('previous-tag-template', `must contain {tag} or {version}, got '${template}'`);

  const failOn = get('fail-on').trim() || 'stop';
  if (failOn !== 'stop' && failOn !== 'warn' && failOn !== 'never')
    throw invalid('fail-on', `expected stop, warn or never, got '${failOn}'`);

  const depthRaw = get('depth').trim() || String(DEFAULT_DEPTH);
  let depth: number | 'all';
  if (depthRaw === 'all') depth = 'all';
  else if (/^\d+$/.test(depthRaw) && Number(depthRaw) >= 1 && Number(depthRaw) <= 64)
    depth = Number(depthRaw);
  else throw invalid('depth', `expected a whole number from 1 to 64 or 'all', got '${depthRaw}'`);

  const comment = get('comment').trim().toLowerCase() || 'true';
  if (comment !== 'true' && comment !== 'false' && comment !== 'on-change')
    throw invalid('comment', `expected true, false or on-change, got '${get('comment').trim()}'`);

  const commentKey = get('comment-key').trim();
  if (commentKey.length > 100 || /[\u0000-\u001f<>]/.test(commentKey))
    throw invalid('comment-key', 'must be at most 100 characters without control characters or < >');

  const inputs: Inputs = {
    image,
    dockerfile,
    buildArgs: buildArgs(get),
    previous,
    previousTagTemplate: template,
    failOn,
    exclude: list(get('exclude')),
    defaultExcludes: bool(get, 'default-excludes', true),
    depth,
    comment,
    commentKey,
    summary: bool(get, 'summary', true),
    releaseNotes: bool(get, 'release-notes', true),
    githubToken: get('github-token').trim(),
    insecureRegistries: list(get('insecure-registries')),
    cache: bool(get, 'cache', true),
    maxLayerBytes: sizeInput(get, 'max-layer-size', DEFAULT_LIMITS.maxLayerBytes),
    maxEntries: countInput(get, 'max-entries', DEFAULT_LIMITS.maxEntries),
  };
  const pullRequest = get('pull-request').trim();
  if (pullRequest) {
    if (!/^[1-9]\d{0,9}$/.test(pullRequest))
      throw invalid('pull-request', `expected a pull request number, got '${pullRequest}'`);
    inputs.pullRequest = Number(pullRequest);
  }
  const platform = get('platform').trim();
  if (platform) {
    try {
      inputs.platform = parsePlatform(platform);
    } catch {
      throw invalid('platform', `expected os/arch[/variant] such as linux/amd64, got '${platform}'`);
    }
  }
  const policy = get('policy').trim();
  if (policy) inputs.policy = policy;
  const user = get('registry-username').trim();
  const pass = get('registry-password');
  if (user) inputs.registryUsername = user;
  if (pass.trim()) inputs.registryPassword = pass.trim();
  if ((user === '') !== (pass.trim() === '')) {
    throw invalid(
      user ? 'registry-password' : 'registry-username',
      'registry-username and registry-password go together',
    );
  }
  // One password for every registry is fine for one image; a Dockerfile's bases can live on several
  // registries (Docker Hub and a private one), and this password must never reach the wrong host.
  if (dockerfile.length > 0 && user)
    throw invalid(
      'registry-username',
      'in Dockerfile mode the base images can be on several registries, and this password would be offered to each: log in to each private registry with docker/login-action before this step (its credentials are kept per host)',
    );
  return inputs;
}
