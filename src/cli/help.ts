import { COMMANDS, COMMON_OPTIONS, commandNamed, type CommandDef } from './commands.js';
import { HELP_OPTION, type OptionDef } from './options.js';

const IMAGE_FORMS = `IMAGE: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], docker-daemon:NAME[:TAG],
       docker://REGISTRY/REPO[:TAG|@DIGEST], REGISTRY/REPO[:TAG], or a path (auto-detected;
       one that starts with ./ / ~ or ends in .tar must exist).`;

const EXIT_CODES =
  'Exit codes: 0 done; 1 changes found (only with --exit-code); 2 the policy says stop; 3 error.';

/** `  -f, --format markdown|json|text`: the left column of an option's line. */
function optionName(o: Pick<OptionDef, 'long' | 'short' | 'arg' | 'choices'>): string {
  const arg = o.choices ? o.choices.join('|') : o.arg;
  return `${o.short ? `-${o.short}, ` : '    '}--${o.long}${arg ? ` ${arg}` : ''}`;
}

/** Help lines are wrapped to this many columns. */
const COLUMNS = 100;

/** `text` in lines of at most `width` characters, broken between words. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** Each option: its name, then what it does and its default, wrapped beside the name. */
function optionLines(options: readonly OptionDef[], width: number): string[] {
  const indent = ' '.repeat(width + 4);
  return options.flatMap((o) =>
    wrap(`${o.help} (default: ${o.default})`, Math.max(COLUMNS - indent.length, 30)).map((text, i) =>
      i === 0 ? `  ${optionName(o).padEnd(width)}  ${text}` : `${indent}${text}`,
    ),
  );
}

function usageLines(commands: readonly CommandDef[]): string[] {
  return commands.flatMap((c) => c.usage.map((u) => `  image-changelog ${u}`));
}

function commandHelp(command: CommandDef): string {
  const width = Math.max(...[...command.options, ...COMMON_OPTIONS].map((o) => optionName(o).length));
  return [
    `image-changelog ${command.name}: ${command.summary}`,
    '',
    'Usage:',
    ...usageLines([command]),
    ...(command.notes ? ['', ...command.notes] : []),
    '',
    'Options:',
    ...optionLines(command.options, width),
    `  ${optionName(HELP_OPTION).padEnd(width)}  this help`,
    '',
    'Image and registry options:',
    ...optionLines(COMMON_OPTIONS, width),
    '',
    IMAGE_FORMS,
    '',
    EXIT_CODES,
  ].join('\n');
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'image-changelog: what changed between two container images',
    '',
    'Usage:',
    ...usageLines(COMMANDS),
    '  image-changelog help [COMMAND] | --help | --version',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "'image-changelog COMMAND --help' lists a command's options and their defaults.",
    '',
    IMAGE_FORMS,
    '',
    EXIT_CODES,
  ].join('\n');
}

/** The help for one command, or the overview. The parser checks the topic names a command. */
export function helpText(topic?: string): string {
  const command = topic === undefined ? undefined : commandNamed(topic);
  return command ? commandHelp(command) : overview();
}
