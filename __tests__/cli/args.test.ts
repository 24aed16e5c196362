import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';

describe('cli args', () => {
  it('parses diff with every option', () => {
    const c = parseCommand([
      'diff',
      'a.tar',
      'b.tar',
      '--format',
      'json',
      '-o',
      'out.json',
      '--exclude',
      'opt/**',
      '--exclude',
      'srv/**',
      '--no-default-excludes',
      '--depth',
      'all',
      '--policy',
      'p.yml',
      '--exit-code',
      '--platform',
      'linux/arm64',
      '--max-layer-size',
      '1GiB',
      '--max-entries',
      '10',
      '--registry-timeout',
      '5',
    ]);
    expect(c).toMatchObject({
      name: 'diff',
      previous: 'a.tar',
      image: 'b.tar',
      format: 'json',
      output: 'out.json',
      exclude: ['opt/**', 'srv/**'],
      defaultExcludes: false,
      depth: 'all',
      policy: 'p.yml',
      exitCode: true,
      platform: 'linux/arm64',
      maxLayerBytes: 1024 ** 3,
      maxEntries: 10,
      registryTimeoutMs: 5000,
    });
  });

  it('takes one image for a first release', () => {
    const c = parseCommand(['diff', '--first-release', 'b.tar']);
    expect(c).toMatchObject({ name: 'diff', image: 'b.tar' });
    expect(c).not.toHaveProperty('previous');
  });

  it('parses policy check with and without images', () => {
    expect(parseCommand(['policy', 'check', 'p.yml'])).toMatchObject({
      name: 'policy-check',
      policy: 'p.yml',
    });
    expect(parseCommand(['policy', 'check', 'p.yml', 'a', 'b'])).toMatchObject({ previous: 'a', image: 'b' });
  });

  it.each([
    [['diff', 'only-one'], 'diff takes two images'],
    [['diff', 'a', 'b', '--format', 'html'], "--format must be markdown, json or text, got 'html'"],
    [['diff', 'a', 'b', '--depth', '0'], '--depth must be a whole number from 1 to 64'],
    [['diff', 'a', 'b', '--bogus'], 'unknown option --bogus'],
    [['diff', 'a', 'b', '--max-layer-size', 'huge'], '--max-layer-size expects a size like 512'],
    [['inspect'], 'inspect takes one IMAGE, got 0'],
    [['explode'], "unknown command 'explode'"],
    [['diff', 'a', 'b', '--fromat', 'json'], 'unknown option --fromat: did you mean --format?'],
    [['policy', 'lint'], "unknown policy subcommand 'lint'"],
  ])('rejects %j with a one-line usage error', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
