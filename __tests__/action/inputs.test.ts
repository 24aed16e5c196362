import { describe, expect, it } from 'vitest';
import { readInputs } from '../../src/action/inputs.js';

const defaults: Record<string, string> = {
  image: 'ghcr.io/org/app:1.2.0',
  previous: 'auto',
  'previous-tag-template': '{repository}:{tag}',
  'fail-on': 'stop',
  depth: '2',
  comment: 'true',
  summary: 'true',
  'release-notes': 'true',
  'default-excludes': 'true',
  cache: 'true',
  'github-token': 'ghs_secret',
};

function read(over: Record<string, string>) {
  const all = { ...defaults, ...over };
  return readInputs((n) => all[n] ?? '');
}

describe('action inputs', () => {
  it('reads the defaults into a typed object', () => {
    const i = read({ exclude: 'opt/cache/**\n# comment\n var/tmp/**, srv/x' });
    expect(i).toMatchObject({
      image: 'ghcr.io/org/app:1.2.0',
      previous: 'auto',
      failOn: 'stop',
      depth: 2,
      comment: 'true',
      summary: true,
    });
    expect(i.exclude).toEqual(['opt/cache/**', 'var/tmp/**', 'srv/x']);
  });

  it('takes an empty previous as a first release', () => {
    expect(read({ previous: '' }).previous).toBeUndefined();
  });

  it.each([
    [{ image: '' }, "input 'image': required"],
    [{ image: 'a b' }, "input 'image': must be one reference"],
    [{ 'fail-on': 'sometimes' }, "input 'fail-on': expected stop, warn or never, got 'sometimes'"],
    [{ depth: '0' }, "input 'depth': expected a whole number from 1 to 64 or 'all', got '0'"],
    [{ depth: 'deep' }, "input 'depth'"],
    [{ comment: 'yes' }, "input 'comment': expected true, false or on-change, got 'yes'"],
    [{ summary: 'maybe' }, "input 'summary': expected true or false, got 'maybe'"],
    [{ platform: 'linux' }, "input 'platform': expected os/arch[/variant]"],
    [
      { 'registry-username': 'me' },
      "input 'registry-password': registry-username and registry-password go together",
    ],
    [
      { 'previous-tag-template': '{repository}:latest' },
      "input 'previous-tag-template': must contain {tag} or {version}",
    ],
    [{ 'comment-key': '<b>' }, "input 'comment-key'"],
    [{ 'max-layer-size': 'lots' }, "input 'max-layer-size': expected a size like 512"],
    [{ 'max-entries': '-5' }, "input 'max-entries': expected a whole number above 0, got '-5'"],
  ])('names the input in a one-line error for %o', (over, message) => {
    let caught: Error | undefined;
    try {
      read(over);
    } catch (err) {
      caught = err as Error;
    }
    expect(caught?.message).toContain(message);
    expect(caught?.message).not.toContain('\n');
  });

  it('reads the resource bounds with their defaults', () => {
    expect(read({})).toMatchObject({ maxLayerBytes: 64 * 1024 ** 3, maxEntries: 2_000_000 });
    expect(read({ 'max-layer-size': '10GB', 'max-entries': '5' })).toMatchObject({
      maxLayerBytes: 10e9,
      maxEntries: 5,
    });
  });

  it('parses depth all and a platform with a variant', () => {
    const i = read({ depth: 'all', platform: 'linux/arm64/v8' });
    expect(i.depth).toBe('all');
    expect(i.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
  });

  it('reads Dockerfile mode: globs one per line, build args, and no image', () => {
    const i = read({
      image: '',
      dockerfile: 'Dockerfile\n# comment\n  services/{api,web}/Dockerfile\n',
      'build-args': 'TAG=1\nX=a=b',
    });
    expect(i.image).toBe('');
    expect(i.dockerfile).toEqual(['Dockerfile', 'services/{api,web}/Dockerfile']);
    expect(i.buildArgs).toEqual(
      new Map([
        ['TAG', '1'],
        ['X', 'a=b'],
      ]),
    );
  });

  it.each([
    [{ dockerfile: 'Dockerfile' }, "input 'dockerfile': give either 'image'"],
    [
      { image: '', dockerfile: 'Dockerfile', 'build-args': 'JUSTANAME' },
      "input 'build-args': expected NAME=VALUE lines, got 'JUSTANAME'",
    ],
    [{ image: '' }, "or 'dockerfile' to explain a pull request's base-image bumps"],
    [
      { image: '', dockerfile: 'Dockerfile', 'registry-username': 'u', 'registry-password': 'p' },
      "input 'registry-username': in Dockerfile mode the base images can be on several registries, and this password would be offered to each: log in to each private registry with docker/login-action",
    ],
  ])('refuses Dockerfile-mode inputs that do not go together: %j', (over, message) => {
    expect(() => read(over)).toThrow(message);
  });
});
