import { parseSize } from '../util/size.js';
import { COMMANDS, commandNamed, optionOwners, optionsOf, type CommandDef } from './commands.js';
import { orList, parseOptions, usageError } from './options.js';
import { closestName } from '../util/closest-name.js';
import { DEFAULT_DEPTH } from '../core/index.js';

export type Format = 'markdown' | 'json' | 'text';

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
  maxCaptureTotalBytes?: number;
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

type Values = Record<string, unknown>;

function commonFlags(v: Values, topic: string): CommonFlags {
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
    flags.maxLayerBytes = sizeFlag('--max-layer-size', v['max-layer-size'], topic);
  if (typeof v['max-capture-size'] === 'string')
    flags.maxCaptureBytes = sizeFlag('--max-capture-size', v['max-capture-size'], topic);
  if (typeof v['max-capture-total'] === 'string')
    flags.maxCaptureTotalBytes = sizeFlag('--max-capture-total', v['max-capture-total'], topic);
  if (typeof v['max-entries'] === 'string')
    flags.maxEntries = countFlag('--max-entries', v['max-entries'], topic);
  if (typeof v['registry-timeout'] === 'string')
    flags.registryTimeoutMs = countFlag('--registry-timeout', v['registry-timeout'], topic) * 1000;
  return flags;
}

function sizeFlag(name: string, raw: string, topic: string): number {
  const r = parseSize(raw);
  if (!r.ok || r.value < 1)
    throw usageError(`${name} expects ${r.ok ? 'a positive size' : r.expected}, got '${raw}'`, topic);
  return r.value;
}

function countFlag(name: string, raw: string, topic: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw usageError(`${name} expects a whole number above 0, got '${raw}'`, topic);
  return Number(raw);
}

/** `K=V` pairs, as docker build's --build-arg takes them (a later one wins). */
export function parseBuildArgs(items: readonly string[], what: string): Map<string, string> {
  const args = new Map<string, string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw usageError(`${what} expects NAME=VALUE, got '${item}'`, 'dockerfile-diff');
    args.set(name, item.slice(eq + 1));
  }
  return args;
}

/** The changelog flags; parseOptions has already held --format and --surface to their choices. */
function changelogFlags<S extends 'comment' | 'summary' | 'release'>(
  v: Values,
  topic: string,
): ChangelogFlags<S> {
  return {
    format: v.format as Format,
    surface: v.surface as S,
    ...(typeof v.output === 'string' ? { output: v.output } : {}),
    exclude: (v.exclude as string[] | undefined) ?? [],
    defaultExcludes: v['no-default-excludes'] !== true,
    depth: parseDepth(v.depth as string | undefined, topic),
    ...(typeof v.policy === 'string' ? { policy: v.policy } : {}),
    exitCode: v['exit-code'] === true,
    ...commonFlags(v, topic),
  };
}

function parseDepth(raw: string | undefined, topic: string): number | 'all' {
  if (raw === undefined) return DEFAULT_DEPTH;
  if (raw === 'all') return 'all';
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 64) {
    throw usageError(`--depth must be a whole number from 1 to 64 or 'all', got '${raw}'`, topic);
  }
  return Number(raw);
}

/** `command`'s options and positionals, or null when it asks for its help. */
function parseFor(command: CommandDef, argv: readonly string[]): { v: Values; positionals: string[] } | null {
  const owners = optionOwners();
  for (const o of optionsOf(command)) owners.delete(o.long);
  const r = parseOptions(argv, optionsOf(command), command.name, owners);
  return r.help ? null : { v: r.values, positionals: r.positionals };
}

function unknownCommand(word: string): Error {
  if (word.startsWith('-'))
    return usageError(
      `unknown option ${word}: options go after the command (image-changelog COMMAND [options])`,
    );
  const names = [...COMMANDS.map((c) => c.name), 'help', 'version'];
  const guess = closestName(word, names);
  return usageError(
    `unknown command '${word}': ${guess !== undefined ? `did you mean ${guess}?` : `the commands are ${orList(names)}`}`,
  );
}

const cmd = (name: CommandDef['name']): CommandDef => commandNamed(name)!;

export function parseCommand(argv: string[]): Command {
  const [word, ...rest] = argv;
  if (word === undefined || word === '--help' || word === '-h') return { name: 'help' };
  if (word === '--version' || word === '-v' || word === 'version') return { name: 'version' };
  if (word === 'help') {
    const [topic] = rest;
    if (topic === undefined) return { name: 'help' };
    if (commandNamed(topic) === undefined) throw unknownCommand(topic);
    return { name: 'help', topic };
  }
  if (word === 'inspect') {
    const p = parseFor(cmd('inspect'), rest);
    if (p === null) return { name: 'help', topic: 'inspect' };
    const { v, positionals } = p;
    if (positionals.length !== 1)
      throw usageError(`inspect takes one IMAGE, got ${positionals.length}`, 'inspect');
    return {
      name: 'inspect',
      image: positionals[0]!,
      json: v.json === true,
      ...(typeof v.output === 'string' ? { output: v.output } : {}),
      ...commonFlags(v, 'inspect'),
    };
  }
  if (word === 'diff') {
    const p = parseFor(cmd('diff'), rest);
    if (p === null) return { name: 'help', topic: 'diff' };
    const { v, positionals } = p;
    const first = v['first-release'] === true;
    if (first ? positionals.length !== 1 : positionals.length !== 2) {
      throw usageError(
        first
          ? 'diff --first-release takes one image: NEW'
          : `diff takes two images, OLD and NEW; got ${positionals.length}`,
        'diff',
      );
    }
    return {
      name: 'diff',
      ...(first ? {} : { previous: positionals[0]! }),
      image: positionals[positionals.length - 1]!,
      ...changelogFlags<'comment' | 'summary' | 'release'>(v, 'diff'),
    };
  }
  if (word === 'dockerfile-diff') {
    const p = parseFor(cmd('dockerfile-diff'), rest);
    if (p === null) return { name: 'help', topic: 'dockerfile-diff' };
    const { v, positionals } = p;
    if (positionals.length !== 2)
      throw usageError(
        `dockerfile-diff takes two files, OLD_DOCKERFILE and NEW_DOCKERFILE; got ${positionals.length}`,
        'dockerfile-diff',
      );
    return {
      name: 'dockerfile-diff',
      oldDockerfile: positionals[0]!,
      newDockerfile: positionals[1]!,
      buildArgs: parseBuildArgs((v['build-arg'] as string[] | undefined) ?? [], '--build-arg'),
      ...changelogFlags<'comment' | 'summary'>(v, 'dockerfile-diff'),
    };
  }
  if (word === 'policy') return parsePolicy(rest);
  throw unknownCommand(word);
}

function parsePolicy(rest: readonly string[]): Command {
  const [sub, ...args] = rest;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    if (sub === undefined)
      throw usageError("policy needs a subcommand: 'policy check POLICY [OLD NEW]'", 'policy');
    return { name: 'help', topic: 'policy' };
  }
  if (sub !== 'check') {
    const guess = closestName(sub, ['check']);
    throw usageError(
      `unknown policy subcommand '${sub}': ${guess !== undefined ? 'did you mean check?' : "use 'policy check POLICY [OLD NEW]'"}`,
      'policy',
    );
  }
  const p = parseFor(cmd('policy'), args);
  if (p === null) return { name: 'help', topic: 'policy' };
  const { v, positionals } = p;
  const [policy, ...imgs] = positionals;
  if (policy === undefined) throw usageError('policy check needs a POLICY file (or "recommended")', 'policy');
  const first = v['first-release'] === true;
  if (!(imgs.length === 0 || (first && imgs.length === 1) || (!first && imgs.length === 2))) {
    throw usageError('policy check takes POLICY, then either OLD NEW, or --first-release NEW', 'policy');
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
    ...commonFlags(v, 'policy'),
  };
}
