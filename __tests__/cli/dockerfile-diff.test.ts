import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { runCli } from '../helpers/run-cli.js';

const run = runCli;

function files(old: string, neu: string): [string, string] {
  const dir = mkdtempSync(join(tmpdir(), 'cli-dockerfile-'));
  writeFileSync(join(dir, 'old.Dockerfile'), old);
  writeFileSync(join(dir, 'Dockerfile'), neu);
  return [join(dir, 'old.Dockerfile'), join(dir, 'Dockerfile')];
}

describe('cli dockerfile-diff', () => {
  it('parses build args, formats and files', () => {
    expect(
      parseCommand([
        'dockerfile-diff',
        'a',
        'b',
        '--build-arg',
        'TAG=1',
        '--build-arg',
        'X=a=b',
        '-f',
        'text',
      ]),
    ).toMatchObject({
      name: 'dockerfile-diff',
      oldDockerfile: 'a',
      newDockerfile: 'b',
      buildArgs: new Map([
        ['TAG', '1'],
        ['X', 'a=b'],
      ]),
      format: 'text',
    });
  });

  it('says nothing changed and pulls nothing when both files name the same bases', async () => {
    // The registry host does not exist: any pull would fail the run.
    const [a, b] = files(
      'ARG T=1\nFROM registry.invalid/base:${T} AS build\nFROM registry.invalid/run:2\nRUN a\n',
      'ARG T=1\nFROM registry.invalid/base:${T} AS build\nFROM registry.invalid/run:2\nRUN b\n',
    );
    const r = await run(['dockerfile-diff', a, b, '--format', 'text', '--exit-code', '--no-cache']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(0, 4)).toEqual([
      `Base images: ${b}`,
      'No base image changed (2 stages); nothing was pulled.',
      '  * stage 2 (final): registry.invalid/run:2 -> registry.invalid/run:2  [unchanged, not pulled]',
      '    build: registry.invalid/base:1 -> registry.invalid/base:1  [unchanged, not pulled]',
    ]);
  });

  it.each([
    [
      ['dockerfile-diff', 'only-one'],
      /dockerfile-diff takes two files, OLD_DOCKERFILE and NEW_DOCKERFILE; got 1/,
    ],
    [
      ['dockerfile-diff', 'a', 'b', '--build-arg', 'NOVALUE'],
      /--build-arg expects NAME=VALUE, got 'NOVALUE'/,
    ],
    [
      ['dockerfile-diff', '/nonexistent/a', '/nonexistent/b'],
      /cannot read Dockerfile \/nonexistent\/a: no such file/,
    ],
    [
      ['dockerfile-diff', 'a', 'b', '--username', 'u', '--password', 'p'],
      /dockerfile-diff does not take --username\/--password .*one password would be offered to each \(log in to each private registry with docker login/,
    ],
  ])('fails in one line on %j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('names the Dockerfile and line of a FROM it cannot read', async () => {
    const [a, b] = files('FROM a:1\n', 'ARG T\nFROM a:${T}\n');
    const r = await run(['dockerfile-diff', a, b, '--no-cache']);
    expect(r.code).toBe(3);
    expect(r.err).toBe(
      `image-changelog: ${b}:2: FROM invalid image reference "a:": "" is not a valid tag (fix the Dockerfile; docker build would refuse it too)\n`,
    );
  });
});
