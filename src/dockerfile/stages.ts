import { formatReference, parseReference } from '../oci/reference.js';
import { isImageChangelogError } from '../util/errors.js';
import { clip, dockerfileError, parseInstructions, type Instruction } from './instructions.js';
import { expandWord, splitWords, WordError, type Lookup } from './words.js';

/** What a stage starts from. */
export type StageBase =
  | {
      kind: 'image';
      /** Canonical reference (`docker.io/library/node:20@sha256:…`): two spellings of one image compare equal. */
      reference: string;
      /** The reference as the Dockerfile spells it after ARG substitution (`node:20`). */
      written: string;
    }
  | { kind: 'scratch' }
  /** An earlier stage of the same Dockerfile, by index. */
  | { kind: 'stage'; stage: number };

export interface Stage {
  /** Position among the file's stages, from 0. */
  index: number;
  /** `AS name`, lower case as BuildKit keeps it. */
  name?: string;
  /** 1-based line of the FROM instruction. */
  line: number;
  /** The FROM line's arguments as written (before substitution), for the reader. */
  from: string;
  base: StageBase;
  /** `--platform=` after substitution, when given. */
  platform?: string;
}

export interface Dockerfile {
  path: string;
  stages: Stage[];
}

export interface ReadDockerfileOptions {
  /** `--build-arg K=V`: overrides the defaults of ARGs declared before the first FROM. */
  buildArgs?: ReadonlyMap<string, string>;
  /** The target platform (`linux/amd64`), for `$TARGETPLATFORM`, `$BUILDPLATFORM` and friends. */
  platform?: string;
}

const AUTOMATIC = /^(?:TARGET|BUILD)(?:PLATFORM|OS|ARCH|VARIANT)$/;
const STAGE_NAME = /^[a-z][a-z0-9._-]*$/;

/**
 * The stages of a Dockerfile: each FROM with its ARG-substituted base (an image, `scratch`, or an
 * earlier stage), its `--platform` and its `AS` name. Only ARGs declared before the first FROM (the
 * global scope) and the automatic platform ARGs are visible to FROM, as in BuildKit.
 */
export function readDockerfile(text: string, path: string, options: ReadDockerfileOptions = {}): Dockerfile {
  const { escape, instructions } = parseInstructions(text, path);
  const globals = new Map<string, string | undefined>(platformArgs(options.platform ?? 'linux/amd64'));
  const buildArgs = options.buildArgs ?? new Map<string, string>();
  const lookup: Lookup = (name) => globals.get(name);
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      declareArgs(ins, escape, lookup, buildArgs, globals, path);
    } else if (ins.keyword === 'FROM') {
      stages.push(readFrom(ins, escape, lookup, stages, path));
    }
  }
  if (stages.length === 0) throw dockerfileError(path, undefined, 'no FROM instruction');
  return { path, stages };
}

function expand(word: string, lookup: Lookup, escape: string, path: string, line: number): string {
  try {
    return expandWord(word, lookup, escape);
  } catch (err) {
    if (err instanceof WordError) throw dockerfileError(path, line, err.message);
    throw err;
  }
}

function words(ins: Instruction, escape: string, path: string): string[] {
  try {
    return splitWords(ins.args, escape);
  } catch (err) {
    if (err instanceof WordError) throw dockerfileError(path, ins.line, err.message);
    throw err;
  }
}

function declareArgs(
  ins: Instruction,
  escape: string,
  lookup: Lookup,
  buildArgs: ReadonlyMap<string, string>,
  globals: Map<string, string | undefined>,
  path: string,
): void {
  const raw = words(ins, escape, path);
  if (raw.length === 0) throw dockerfileError(path, ins.line, 'ARG needs a name');
  for (const word of raw) {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw dockerfileError(path, ins.line, `'${clip(name)}' is not an ARG name`);
    // A default may use the ARGs declared before it; a build argument wins over it.
    const fallback = eq < 0 ? undefined : expand(word.slice(eq + 1), lookup, escape, path, ins.line);
    // Redeclaring an automatic platform ARG without a value keeps its value.
    globals.set(
      name,
      buildArgs.get(name) ?? fallback ?? (AUTOMATIC.test(name) ? globals.get(name) : undefined),
    );
  }
}

function readFrom(
  ins: Instruction,
  escape: string,
  lookup: Lookup,
  stages: readonly Stage[],
  path: string,
): Stage {
  const raw = words(ins, escape, path);
  let platform: string | undefined;
  while (raw[0]?.startsWith('--')) {
    const flag = raw.shift()!;
    const m = /^--platform=(.*)$/s.exec(flag);
    if (!m) throw dockerfileError(path, ins.line, `FROM does not take the flag '${clip(flag)}'`);
    platform = expand(m[1]!, lookup, escape, path, ins.line).trim() || undefined;
  }
  const [image, as, alias, ...extra] = raw;
  if (image === undefined) throw dockerfileError(path, ins.line, 'FROM needs an image');
  if (as !== undefined && (as.toLowerCase() !== 'as' || alias === undefined || extra.length > 0))
    throw dockerfileError(
      path,
      ins.line,
      `expected FROM [--platform=...] IMAGE [AS NAME], got 'FROM ${clip(ins.args)}'`,
    );
  const written = expand(image, lookup, escape, path, ins.line);
  if (written === '')
    throw dockerfileError(
      path,
      ins.line,
      `FROM ${clip(image)} names no image (an ARG it uses is empty or not declared before the first FROM)`,
    );
  const stage: Stage = {
    index: stages.length,
    line: ins.line,
    from: ins.args,
    base: base(written, stages, path, ins.line),
  };
  if (alias !== undefined) {
    const name = expand(alias, lookup, escape, path, ins.line).toLowerCase();
    if (!STAGE_NAME.test(name))
      throw dockerfileError(path, ins.line, `'${clip(name)}' is not a valid stage name`);
    if (stages.some((s) => s.name === name))
      throw dockerfileError(path, ins.line, `the stage name '${name}' is used twice`);
    stage.name = name;
  }
  if (platform !== undefined) stage.platform = platform;
  return stage;
}

function base(written: string, stages: readonly Stage[], path: string, line: number): StageBase {
  const lower = written.toLowerCase();
  const earlier = stages.find((s) => s.name === lower);
  if (earlier) return { kind: 'stage', stage: earlier.index };
  if (lower === 'scratch') return { kind: 'scratch' };
  try {
    return { kind: 'image', reference: formatReference(parseReference(written)), written };
  } catch (err) {
    if (isImageChangelogError(err)) throw dockerfileError(path, line, `FROM ${err.message}`);
    throw err;
  }
}

/** BuildKit's automatic platform ARGs, visible to FROM without a declaration. */
function platformArgs(platform: string): Array<[string, string]> {
  const [os = 'linux', arch = 'amd64', variant = ''] = platform.split('/');
  const args: Array<[string, string]> = [];
  for (const who of ['TARGET', 'BUILD']) {
    args.push(
      [`${who}PLATFORM`, platform],
      [`${who}OS`, os],
      [`${who}ARCH`, arch],
      [`${who}VARIANT`, variant],
    );
  }
  return args;
}

/** The image a stage ultimately starts from, following `FROM <earlier stage>` links. */
export function rootBase(
  dockerfile: Dockerfile,
  stage: Stage,
): Exclude<StageBase, { kind: 'stage' }> & { platform?: string } {
  let s = stage;
  // Stages only name earlier stages, so the walk ends.
  while (s.base.kind === 'stage') s = dockerfile.stages[s.base.stage]!;
  const platform = s.platform ?? stage.platform;
  return { ...s.base, ...(platform !== undefined ? { platform } : {}) };
}
