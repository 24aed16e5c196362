import { parseArgs } from 'node:util';
import { ImageChangelogError } from '../util/errors.js';
import { closestName } from '../util/closest-name.js';

/**
 * One command-line option, as the parser reads it and the help shows it: both are derived from this
 * record, so the help cannot list an option the parser refuses, or miss one it takes.
 */
export interface OptionDef {
  /** The long name, without the dashes. */
  readonly long: string;
  readonly short?: string;
  /** `flag`: on when given; `value`: takes one value; `list`: takes a value and may be given again. */
  readonly takes: 'flag' | 'value' | 'list';
  /** The value's placeholder in the help (FILE, GLOB); the choices when there are `choices`. */
  readonly arg?: string;
  /** The only values it takes. */
  readonly choices?: readonly string[];
  /** What applies when the option is not given, as the help shows it. */
  readonly default: string;
  /** The parser fills in `default` itself when the option is not given (else the caller decides). */
  readonly fills?: true;
  /** What it does, for the help. */
  readonly help: string;
}

/** `-h, --help`: every command takes it; it has no default to show. */
export const HELP_OPTION = { long: 'help', short: 'h', takes: 'flag' } as const;

export function usageError(message: string, topic?: string): ImageChangelogError {
  const command = topic === undefined ? '' : `${topic} `;
  return new ImageChangelogError('USAGE', message, { hint: `see 'image-changelog ${command}--help'` });
}

/** `a, b or c`. */
export function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

type ParserOptions = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | string[] }
>;

/** The options as node's parseArgs takes them (with --help). */
export function parserOptions(defs: readonly OptionDef[]): ParserOptions {
  const spec: ParserOptions = { help: { type: 'boolean', short: HELP_OPTION.short } };
  for (const d of defs) {
    spec[d.long] = {
      type: d.takes === 'flag' ? 'boolean' : 'string',
      ...(d.short !== undefined ? { short: d.short } : {}),
      ...(d.takes === 'list' ? { multiple: true, default: [] } : {}),
      ...(d.fills ? { default: d.default } : {}),
    };
  }
  return spec;
}

export interface ParsedOptions {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

/**
 * Reads `argv` against `defs`: unknown options are answered with the nearest known one, a missing
 * value or a value outside `choices` with what it takes; never node's own message. `others` are the
 * options of the other commands, to say which command an option belongs to.
 */
export function parseOptions(
  argv: readonly string[],
  defs: readonly OptionDef[],
  topic: string,
  others: ReadonlyMap<string, readonly string[]> = new Map(),
): ParsedOptions {
  const spec = parserOptions(defs);
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: spec,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const help = tokens.some((t) => t.kind === 'option' && t.name === HELP_OPTION.long);
  if (help) return { values, positionals, help };
  const byLong = new Map(defs.map((d) => [d.long, d]));
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const def = byLong.get(t.name);
    if (def === undefined) throw unknownOption(t.rawName, defs, topic, others);
    if (def.takes === 'flag') {
      if (t.value !== undefined) throw usageError(`${t.rawName} takes no value, got '${t.value}'`, topic);
      continue;
    }
    const what = def.choices ? orList(def.choices) : (def.arg ?? 'a value');
    if (t.value === undefined) throw usageError(`${t.rawName} needs a value: ${what}`, topic);
    if (!t.inlineValue && t.value.length > 1 && t.value.startsWith('-'))
      throw usageError(
        `${t.rawName} needs a value (${what}), got the option '${t.value}'; write ${t.rawName}=${t.value} if that is the value`,
        topic,
      );
    if (def.choices && !def.choices.includes(t.value))
      throw usageError(`${t.rawName} must be ${orList(def.choices)}, got '${t.value}'`, topic);
  }
  return { values, positionals, help };
}

function unknownOption(
  raw: string,
  defs: readonly OptionDef[],
  topic: string,
  others: ReadonlyMap<string, readonly string[]>,
): ImageChangelogError {
  if (!raw.startsWith('--')) {
    const shorts = defs.flatMap((d) => (d.short ? [`-${d.short}`] : [])).concat(`-${HELP_OPTION.short}`);
    return usageError(`unknown option ${raw} (short options here: ${shorts.join(', ')})`, topic);
  }
  const name = raw.slice(2);
  const owners = others.get(name);
  if (owners !== undefined)
    return usageError(
      `${topic} has no option ${raw} (${owners.join(' and ')} ${owners.length > 1 ? 'have' : 'has'} it)`,
      topic,
    );
  const longs = [...defs.map((d) => d.long), HELP_OPTION.long];
  const prefixed = longs.filter((l) => l.startsWith(name));
  const guess = prefixed.length === 1 ? prefixed[0] : closestName(name, longs);
  return usageError(`unknown option ${raw}${guess !== undefined ? `: did you mean --${guess}?` : ''}`, topic);
}
