import { DEFAULT_DEPTH, DEFAULT_LIMITS, DEFAULT_REGISTRY_TIMEOUT_MS } from '../core/index.js';
import { orList, type OptionDef } from './options.js';

/** `64GiB`: a byte count in the largest binary unit that divides it, as --max-layer-size takes it. */
export function sizeArg(bytes: number): string {
  for (const [unit, factor] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const)
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  return String(bytes);
}

/** Options of every command that reads images. */
export const COMMON_OPTIONS: readonly OptionDef[] = [
  {
    long: 'platform',
    takes: 'value',
    arg: 'OS/ARCH[/VARIANT]',
    default: "the image's only platform, else this host's",
    help: 'the platform to read; an image without it is an error that lists those it has',
  },
  {
    long: 'cache-dir',
    takes: 'value',
    arg: 'DIR',
    default: '$XDG_CACHE_HOME/image-changelog, else ~/.cache/image-changelog',
    help: 'where layer indexes are cached',
  },
  {
    long: 'no-cache',
    takes: 'flag',
    default: 'the cache is used',
    help: 'neither read nor write the layer cache',
  },
  {
    long: 'no-progress',
    takes: 'flag',
    default: 'progress on stderr when it is a terminal',
    help: 'show no progress',
  },
  {
    long: 'username',
    takes: 'value',
    arg: 'USER',
    default: '$REGISTRY_USERNAME, else ~/.docker/config.json',
    help: 'registry user name (with --password)',
  },
  {
    long: 'password',
    takes: 'value',
    arg: 'PASSWORD',
    default: '$REGISTRY_PASSWORD, else ~/.docker/config.json',
    help: 'registry password or token',
  },
  {
    long: 'insecure-registry',
    takes: 'list',
    arg: 'HOST',
    default: 'none; loopback registries always may',
    help: 'allow plain HTTP to HOST (repeatable)',
  },
  {
    long: 'max-layer-size',
    takes: 'value',
    arg: 'SIZE',
    default: sizeArg(DEFAULT_LIMITS.maxLayerBytes),
    help: 'stop reading a layer past this uncompressed size',
  },
  {
    long: 'max-entries',
    takes: 'value',
    arg: 'N',
    default: String(DEFAULT_LIMITS.maxEntries),
    help: 'stop reading a layer with more entries',
  },
  {
    long: 'max-capture-size',
    takes: 'value',
    arg: 'SIZE',
    default: sizeArg(DEFAULT_LIMITS.maxCaptureBytes),
    help: 'largest package database kept in memory',
  },
  {
    long: 'max-capture-total',
    takes: 'value',
    arg: 'SIZE',
    default: sizeArg(DEFAULT_LIMITS.maxCaptureTotalBytes),
    help: 'all captured files of a run together; past it files are not kept (a problem says so)',
  },
  {
    long: 'registry-timeout',
    takes: 'value',
    arg: 'SECONDS',
    default: String(DEFAULT_REGISTRY_TIMEOUT_MS / 1000),
    help: 'a registry request fails when no byte arrives for this long',
  },
];

const FORMAT: OptionDef = {
  long: 'format',
  short: 'f',
  takes: 'value',
  choices: ['markdown', 'json', 'text'],
  default: 'markdown',
  fills: true,
  help: 'markdown, the JSON report (schema/report.schema.json), or plain text',
};

const SURFACES = { comment: 'a PR comment', summary: 'a job summary', release: 'release notes' } as const;

/** Options of the commands that write a changelog; `surfaces` are the markdown surfaces it can write. */
function changelogOptions(surfaces: readonly (keyof typeof SURFACES)[]): OptionDef[] {
  return [
    FORMAT,
    {
      long: 'surface',
      takes: 'value',
      choices: surfaces,
      default: 'summary',
      fills: true,
      help: `the markdown to write: for ${orList(surfaces.map((s) => SURFACES[s]))}`,
    },
    {
      long: 'output',
      short: 'o',
      takes: 'value',
      arg: 'FILE',
      default: 'stdout',
      help: 'write the changelog to FILE (atomically)',
    },
    {
      long: 'exclude',
      takes: 'list',
      arg: 'GLOB',
      default: 'none',
      help: 'leave out paths matching GLOB (repeatable)',
    },
    {
      long: 'no-default-excludes',
      takes: 'flag',
      default: 'caches, logs, temporary files and other build noise are left out',
      help: 'keep the paths excluded by default',
    },
    {
      long: 'depth',
      takes: 'value',
      arg: 'N|all',
      default: String(DEFAULT_DEPTH),
      fills: true,
      help: 'roll non-packaged files up to directories this deep (1-64, or all)',
    },
    {
      long: 'policy',
      takes: 'value',
      arg: 'FILE',
      default: 'no policy',
      help: 'evaluate this policy file ("recommended" for the built-in one)',
    },
    {
      long: 'exit-code',
      takes: 'flag',
      default: 'exit 0 whether or not something changed',
      help: 'exit 1 when something changed',
    },
  ];
}

const FIRST_RELEASE: OptionDef = {
  long: 'first-release',
  takes: 'flag',
  default: 'two images, OLD and NEW',
  help: 'one image, NEW, with no previous release',
};

/** One command: how it is called, what it does, the options it takes beyond COMMON_OPTIONS. */
export interface CommandDef {
  readonly name: 'inspect' | 'diff' | 'dockerfile-diff' | 'policy';
  /** The call forms, after `image-changelog `. */
  readonly usage: readonly string[];
  readonly summary: string;
  readonly options: readonly OptionDef[];
  /** More lines for its help. */
  readonly notes?: readonly string[];
}

export const COMMANDS: readonly CommandDef[] = [
  {
    name: 'inspect',
    usage: ['inspect IMAGE [options]'],
    summary: 'what an image holds: platform, layers, files by type, OS, packages',
    options: [
      { long: 'json', takes: 'flag', default: 'a text summary', help: 'write the whole inventory as JSON' },
      {
        long: 'output',
        short: 'o',
        takes: 'value',
        arg: 'FILE',
        default: 'stdout',
        help: 'write to FILE (atomically)',
      },
    ],
  },
  {
    name: 'diff',
    usage: ['diff OLD NEW [options]', 'diff --first-release NEW [options]'],
    summary: 'the changelog between two images',
    options: [...changelogOptions(['comment', 'summary', 'release']), FIRST_RELEASE],
  },
  {
    name: 'dockerfile-diff',
    usage: ['dockerfile-diff OLD_DOCKERFILE NEW_DOCKERFILE [options]'],
    summary: 'the changelog of the base images a Dockerfile change brings',
    options: [
      {
        long: 'build-arg',
        takes: 'list',
        arg: 'NAME=VALUE',
        default: "the Dockerfile's ARG defaults",
        help: 'set a build argument used in FROM (repeatable)',
      },
      ...changelogOptions(['comment', 'summary']),
    ],
    notes: [
      'Compares the base images of every stage whose FROM changed, final stage first.',
      '--format json writes one report per compared stage; --exit-code exits 1 when a base image brought changes.',
    ],
  },
  {
    name: 'policy',
    usage: [
      'policy check POLICY [options]',
      'policy check POLICY OLD NEW [options]',
      'policy check POLICY --first-release NEW [options]',
    ],
    summary: 'check a policy file, or what it says about two images',
    options: [
      { long: 'json', takes: 'flag', default: 'the verdict line', help: 'write the whole verdict as JSON' },
      FIRST_RELEASE,
    ],
    notes: [
      'POLICY is a file or "recommended". Without images it checks the file: "... is valid (N rules)".',
      'With images it prints the verdict line and exits 2 when the policy says stop.',
    ],
  },
];

/** The options `command` takes: its own, then the common ones. */
export function optionsOf(command: CommandDef): readonly OptionDef[] {
  return [...command.options, ...COMMON_OPTIONS];
}

/** For each option name, the commands that take it. */
export function optionOwners(): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const c of COMMANDS)
    for (const o of optionsOf(c)) owners.set(o.long, [...(owners.get(o.long) ?? []), c.name]);
  return owners;
}

export function commandNamed(name: string): CommandDef | undefined {
  return COMMANDS.find((c) => c.name === name);
}
