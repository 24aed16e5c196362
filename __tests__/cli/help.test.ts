import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { COMMANDS, optionsOf } from '../../src/cli/commands.js';
import { helpText } from '../../src/cli/help.js';
import { parserOptions } from '../../src/cli/options.js';
import { DEFAULT_LIMITS, DEFAULT_REGISTRY_TIMEOUT_MS } from '../../src/core/index.js';
import { parseSize } from '../../src/util/size.js';
import { runCli } from '../helpers/run-cli.js';

const run = runCli;

/** The options a help text lists, each with the text that follows it up to the next option. */
function listedOptions(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of help.split('\n')) {
    const m = /^ {2}(?:-[a-z], | {4})--([a-z-]+)(?: \S+)? {2,}(.*)$/.exec(line);
    if (m) {
      current = m[1]!;
      entries.set(current, m[2]!);
    } else if (current !== undefined && /^ {20,}\S/.test(line)) {
      entries.set(current, `${entries.get(current)!} ${line.trim()}`);
    } else current = undefined;
  }
  return entries;
}

/** The smallest argv that makes the command run (so that its defaults can be read). */
const MINIMAL: Record<string, string[]> = {
  inspect: ['inspect', 'img'],
  diff: ['diff', 'a', 'b'],
  'dockerfile-diff': ['dockerfile-diff', 'a', 'b'],
  policy: ['policy', 'check', 'p.yml'],
};

describe('cli help', () => {
  it.each(COMMANDS.map((c) => c.name))(
    '%s --help lists every option the parser takes, each with its default',
    (name) => {
      const help = helpText(name);
      const listed = listedOptions(help);
      const parsed = Object.keys(parserOptions(optionsOf(COMMANDS.find((c) => c.name === name)!)));
      expect([...listed.keys()].sort()).toEqual(parsed.sort());
      for (const [option, text] of listed) {
        if (option === 'help') continue;
        expect(text, `--${option}`).toMatch(/\(default: [^)]+\)$/);
      }
      // Every option listed is one the parser accepts (not "unknown option").
      for (const option of listed.keys()) {
        if (option === 'help') continue;
        const argv = [...MINIMAL[name]!, `--${option}`];
        let message = '';
        try {
          parseCommand(argv);
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message, argv.join(' ')).not.toMatch(/unknown option|has no option/);
      }
    },
  );

  it('shows the defaults the parser and the core actually apply', () => {
    for (const name of ['diff', 'dockerfile-diff'] as const) {
      const listed = listedOptions(helpText(name));
      const parsed = parseCommand(MINIMAL[name]!) as { format: string; surface: string; depth: number };
      const shown = (option: string): string => /\(default: ([^)]+)\)$/.exec(listed.get(option)!)![1]!;
      expect(shown('format')).toBe(parsed.format);
      expect(shown('surface')).toBe(parsed.surface);
      expect(shown('depth')).toBe(String(parsed.depth));
    }
    const listed = listedOptions(helpText('inspect'));
    const bytes = (option: string): number => {
      const r = parseSize(/\(default: ([^)]+)\)$/.exec(listed.get(option)!)![1]!);
      if (!r.ok) throw new Error(`--${option} default is not a size`);
      return r.value;
    };
    expect(bytes('max-layer-size')).toBe(DEFAULT_LIMITS.maxLayerBytes);
    expect(bytes('max-capture-size')).toBe(DEFAULT_LIMITS.maxCaptureBytes);
    expect(listed.get('max-entries')).toContain(`(default: ${DEFAULT_LIMITS.maxEntries})`);
    expect(listed.get('registry-timeout')).toContain(`(default: ${DEFAULT_REGISTRY_TIMEOUT_MS / 1000})`);
  });

  it('lists --surface with its choices for diff and dockerfile-diff', () => {
    expect(helpText('diff')).toContain('--surface comment|summary|release ');
    expect(listedOptions(helpText('diff')).get('surface')).toMatch(/\(default: summary\)$/);
    expect(helpText('dockerfile-diff')).toContain('--surface comment|summary ');
  });

  it.each([
    [['diff', '--help'], 'diff'],
    [['diff', 'a', '-h'], 'diff'],
    [['help', 'diff'], 'diff'],
    [['inspect', '--help'], 'inspect'],
    [['help', 'inspect'], 'inspect'],
    [['dockerfile-diff', '--help'], 'dockerfile-diff'],
    [['policy', '--help'], 'policy'],
    [['policy', 'check', '--help'], 'policy'],
    [['help', 'policy'], 'policy'],
  ])('%j prints the help of %s and exits 0', async (argv, topic) => {
    const r = await run(argv);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(`${helpText(topic)}\n`);
    expect(r.out.split('\n')[0]).toMatch(new RegExp(`^image-changelog ${topic}: `));
  });

  it('gives each command its own help, and the overview names every command', async () => {
    const texts = COMMANDS.map((c) => helpText(c.name));
    expect(new Set(texts).size).toBe(COMMANDS.length);
    const overview = (await run(['--help'])).out;
    expect((await run([])).out).toBe(overview);
    expect((await run(['help'])).out).toBe(overview);
    for (const c of COMMANDS) expect(overview).toContain(`  image-changelog ${c.name} `);
    expect(overview).toContain("'image-changelog COMMAND --help'");
  });

  it.each([
    [
      ['diff', 'a', 'b', '--fromat', 'json'],
      "unknown option --fromat: did you mean --format? (see 'image-changelog diff --help')",
    ],
    [['diff', 'a', 'b', '--out', 'x'], 'unknown option --out: did you mean --output?'],
    [['diff', 'a', 'b', '--exitcode'], 'unknown option --exitcode: did you mean --exit-code?'],
    [['diff', 'a', 'b', '--zzzzzz'], "unknown option --zzzzzz (see 'image-changelog diff --help')"],
    [
      ['inspect', 'a', '--format', 'json'],
      'inspect has no option --format (diff and dockerfile-diff have it)',
    ],
    [
      ['policy', 'check', 'p', '--plaform', 'linux/amd64'],
      'unknown option --plaform: did you mean --platform?',
    ],
    [['diff', 'a', 'b', '-x'], 'unknown option -x (short options here: -f, -o, -h)'],
    [['dif', 'a', 'b'], "unknown command 'dif': did you mean diff? (see 'image-changelog --help')"],
    [['polcy', 'check', 'p'], "unknown command 'polcy': did you mean policy?"],
    [['policy', 'chek', 'p'], "unknown policy subcommand 'chek': did you mean check?"],
    [['policy'], 'policy needs a subcommand'],
    [['help', 'dif'], "unknown command 'dif': did you mean diff?"],
    [
      ['explode'],
      "unknown command 'explode': the commands are inspect, diff, dockerfile-diff, policy, help or version",
    ],
    [['--format', 'json', 'diff'], 'unknown option --format: options go after the command'],
    [['diff', 'a', 'b', '--format'], '--format needs a value: markdown, json or text'],
    [
      ['diff', 'a', 'b', '--output', '--exit-code'],
      "--output needs a value (FILE), got the option '--exit-code'",
    ],
    [['diff', 'a', 'b', '--no-cache=yes'], "--no-cache takes no value, got 'yes'"],
    [
      ['dockerfile-diff', 'a', 'b', '--surface', 'release'],
      "--surface must be comment or summary, got 'release'",
    ],
  ])('%j: one line, exit code 3: %s', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err.endsWith('\n')).toBe(true);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`image-changelog: ${message}`);
    // node's parseArgs wording never reaches the user.
    expect(r.err).not.toMatch(/Unknown option|To specify a positional|argument missing|ambiguous/);
  });
});
