import { parseArgs } from 'node:util';
import { ImageChangelogError } from '../util/errors.js';
import { parseSize } from '../util/size.js';

const FORMATS = ['markdown', 'json', 'text'] as const;
export type Format = (typeof FORMATS)[number];

export interface CommonFlags {
  platform?: string;
  cacheDir?: string;
  noCache: boolean;
  progress: boolean;
  insecureRegistries: string[];
  username?: string;
  password?: string;
  /** Resource bounds (see the README's "Resource bounds"). */
  maxLayerBytes?: number;
  maxEntries?: number;
  maxCaptureBytes?: number;
  registryTimeoutMs?: number;
}

/** The flags of the commands that write a changelog (diff, dockerfile-diff). */
export interface ChangelogFlags<S extends 'comment' | 'summary' | 'release'> extends CommonFlags {
  format: Format;
  surface: S;
  output?: string;
  exclude: string[];
  defaultExcludes: boolean;
  depth: number | 'all';
  policy?: string;
  exitCode: boolean;
}

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'version' }
  | ({ name: 'inspect'; image: string; json: boolean; output?: string } & CommonFlags)
  | ({
      name: 'diff';
      previous?: string;
      image: string;
    } & ChangelogFlags<'comment' | 'summary' | 'release'>)
  | ({
      name: 'dockerfile-diff';
      oldDockerfile: string;
      newDockerfile: string;
      buildArgs: Map<string, string>;
    } & ChangelogFlags<'comment' | 'summary'>)
  | ({
      name: 'policy-check';
      policy?: string;
      previous?: string;
      image?: string;
      json: boolean;
    } & CommonFlags);

export const USAGE = `Usage:
  image-changelog inspect IMAGE [--json] [--output FILE]
  image-changelog diff OLD NEW [--format markdown|json|text] [--output FILE] [--exclude GLOB]...
                           [--no-default-excludes] [--depth N|all] [--policy FILE] [--exit-code]
  image-changelog diff --first-release NEW ...        (no previous image)
  image-changelog dockerfile-diff OLD_DOCKERFILE NEW_DOCKERFILE [--build-arg K=V]... [--format ...]
                           [--output FILE] [--policy FILE] [--exit-code] [--exclude GLOB]... [--depth N|all]
                           (compares the base images of every stage whose FROM changed, final stage first)
  image-changelog policy check POLICY [OLD NEW | --first-release NEW]
  image-changelog --version | --help

IMAGE: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], docker-daemon:NAME[:TAG],
       docker://REGISTRY/REPO[:TAG|@DIGEST], REGISTRY/REPO[:TAG], or a path (auto-detected).

Common options:
  --platform OS/ARCH[/VARIANT]   pick one platform of a multi-platform image (default: the only one, else this host's)
  --cache-dir DIR                layer index cache (default: $XDG_CACHE_HOME/image-changelog or ~/.cache/image-changelog)
  --no-cache                     do not read or write the layer index cache
  --no-progress                  no progress display (it only shows on a terminal anyway)
  --username U --password P      registry credentials (else ~/.docker/config.json; or REGISTRY_USERNAME/REGISTRY_PASSWORD)
  --insecure-registry HOST       allow plain HTTP for HOST (loopback registries always may)
  --max-layer-size SIZE          stop reading a layer past this uncompressed size (default 64GiB)
  --max-entries N                stop reading a layer with more entries (default 2000000)
  --max-capture-size SIZE        largest package database kept in memory (default 256MiB)
  --registry-timeout SECONDS     a registry request fails when no byte arrives for this long (default 30)

Exit codes: 0 done; 1 changes found (only with --exit-code); 2 the policy says stop; 3 error.`;

type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean | string[] }
>;

const common: OptionSpec = {
  platform: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  'insecure-registry': { type: 'string', multiple: true, default: [] },
  username: { type: 'string' },
  password: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  'max-layer-size': { type: 'string' },
  'max-entries': { type: 'string' },
  'max-capture-size': { type: 'string' },
  'registry-timeout': { type: 'string' },
};

function usageError(message: string): ImageChangelogError {
  return new ImageChangelogError('USAGE', message, { hint: "see 'image-changelog --help'" });
}

function commonFlags(v: Record<string, unknown>): CommonFlags {
  const flags: CommonFlags = {
    noCache: v['no-cache'] === true,
    progress: v['no-progress'] !== true,
    insecureRegistries: (v['insecure-registry'] as string[] | undefined) ?? [],
  };
  if (typeof v.platform === 'string') flags.platform = v.platform;
  if (typeof v['cache-dir'] === 'string') flags.cacheDir = v['cache-dir'];
  if (typeof v.username === 'string') flags.username = v.username;
  if (typeof v.password === 'string') flags.password = v.password;
  if (typeof v['max-layer-size'] === 'string')
    flags.maxLayerBytes = sizeFlag('--max-layer-size', v['max-layer-size']);
  if (typeof v['max-capture-size'] === 'string')
    flags.maxCaptureBytes = sizeFlag('--max-capture-size', v['max-capture-size']);
  if (typeof v['max-entries'] === 'string') flags.maxEntries = countFlag('--max-entries', v['max-entries']);
  if (typeof v['registry-timeout'] === 'string')
    flags.registryTimeoutMs = countFlag('--registry-timeout', v['registry-timeout']) * 1000;
  return flags;
}

function sizeFlag(name: string, raw: string): number {
  const r = parseSize(raw);
  if (!r.ok || r.value < 1)
    throw usageError(`${name} expects ${r.ok ? 'a positive size' : r.expected}, got '${raw}'`);
  return r.value;
}

function countFlag(name: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw usageError(`${name} expects a whole number above 0, got '${raw}'`);
  return Number(raw);
}

/** `K=V` pairs, as docker build's --build-arg takes them (a later one wins). */
export function parseBuildArgs(items: readonly string[], what: string): Map<string, string> {
  const args = new Map<string, string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw usageError(`${what} expects NAME=VALUE, got '${item}'`);
    args.set(name, item.slice(eq + 1));
  }
  return args;
}

/** Options shared by the commands that write a changelog (diff, dockerfile-diff). */
const changelogOptions: OptionSpec = {
  format: { type: 'string', short: 'f', default: 'markdown' },
  surface: { type: 'string', default: 'summary' },
  output: { type: 'string', short: 'o' },
  exclude: { type: 'string', multiple: true, default: [] },
  'no-default-excludes': { type: 'boolean', default: false },
  depth: { type: 'string' },
  policy: { type: 'string' },
  'exit-code': { type: 'boolean', default: false },
};

function changelogFlags<S extends 'comment' | 'summary' | 'release'>(
  v: Record<string, unknown>,
  surfaces: readonly S[],
): ChangelogFlags<S> {
  const format = v.format as Format;
  if (!FORMATS.includes(format)) throw usageError(`--format must be markdown, json or text, got '${format}'`);
  const surface = v.surface as S;
  if (!surfaces.includes(surface))
    throw usageError(
      `--surface must be ${surfaces.join(', ').replace(/, ([^,]*)$/, ' or $1')}, got '${surface}'`,
    );
  return {
    format: format,
    surface,
    ...(typeof v.output === 'string' ? { output: v.output } : {}),
    exclude: (v.exclude as string[] | undefined) ?? [],
    defaultExcludes: v['no-default-excludes'] !== true,
    depth: parseDepth(v.depth as string | undefined),
    ...(typeof v.policy === 'string' ? { policy: v.policy } : {}),
    exitCode: v['exit-code'] === true,
    ...commonFlags(v),
  };
}

function parseDepth(raw: string | undefined): number | 'all' {
  if (raw === undefined) return 2;
  if (raw === 'all') return 'all';
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 64) {
    throw usageError(`--depth must be a whole number from 1 to 64 or 'all', got '${raw}'`);
  }
  return Number(raw);
}

function parse(
  argv: string[],
  options: OptionSpec,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...common, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values, positionals: r.positionals };
  } catch (err) {
    throw usageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

export function parseCommand(argv: string[]): Command {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') return { name: 'help' };
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') return { name: 'version' };
  if (cmd === 'inspect') {
    const { values: v, positionals } = parse(rest, {
      json: { type: 'boolean', default: false },
      output: { type: 'string', short: 'o' },
    });
    if (v.help) return { name: 'help', topic: 'inspect' };
    if (positionals.length !== 1) throw usageError(`inspect takes one IMAGE, got ${positionals.length}`);
    return {
      name: 'inspect',
      image: positionals[0]!,
      json: v.json === true,
      ...(typeof v.output === 'string' ? { output: v.output } : {}),
      ...commonFlags(v),
    };
  }
  if (cmd === 'diff') {
    const { values: v, positionals } = parse(rest, {
      ...changelogOptions,
      'first-release': { type: 'boolean', default: false },
    });
    if (v.help) return { name: 'help', topic: 'diff' };
    const first = v['first-release'] === true;
    if (first ? positionals.length !== 1 : positionals.length !== 2) {
      throw usageError(
        first
          ? 'diff --first-release takes one image: NEW'
          : `diff takes two images, OLD and NEW; got ${positionals.length}`,
      );
    }
    return {
      name: 'diff',
      ...(first ? {} : { previous: positionals[0]! }),
      image: positionals[positionals.length - 1]!,
      ...changelogFlags(v, ['comment', 'summary', 'release']),
    };
  }
  if (cmd === 'dockerfile-diff') {
    const { values: v, positionals } = parse(rest, {
      'build-arg': { type: 'string', multiple: true, default: [] },
      ...changelogOptions,
    });
    if (v.help) return { name: 'help', topic: 'dockerfile-diff' };
    if (positionals.length !== 2)
      throw usageError(
        `dockerfile-diff takes two files, OLD_DOCKERFILE and NEW_DOCKERFILE; got ${positionals.length}`,
      );
    return {
      name: 'dockerfile-diff',
      oldDockerfile: positionals[0]!,
      newDockerfile: positionals[1]!,
      buildArgs: parseBuildArgs((v['build-arg'] as string[] | undefined) ?? [], '--build-arg'),
      ...changelogFlags(v, ['comment', 'summary']),
    };
  }
  if (cmd === 'policy') {
    const [sub, ...args] = rest;
    if (sub !== 'check')
      throw usageError(`unknown policy subcommand '${sub ?? ''}': use 'policy check POLICY [OLD NEW]'`);
    const { values: v, positionals } = parse(args, {
      json: { type: 'boolean', default: false },
      'first-release': { type: 'boolean', default: false },
    });
    if (v.help) return { name: 'help', topic: 'policy' };
    const [policy, ...imgs] = positionals;
    if (policy === undefined) throw usageError('policy check needs a POLICY file (or "recommended")');
    const first = v['first-release'] === true;
    if (!(imgs.length === 0 || (first && imgs.length === 1) || (!first && imgs.length === 2))) {
      throw usageError('policy check takes POLICY, then either OLD NEW, or --first-release NEW');
    }
    return {
      name: 'policy-check',
      policy,
      ...(imgs.length === 2
        ? { previous: imgs[0]!, image: imgs[1]! }
        : imgs.length === 1
          ? { image: imgs[0]! }
          : {}),
      json: v.json === true,
      ...commonFlags(v),
    };
  }
  throw usageError(`unknown command '${cmd}'`);
}
