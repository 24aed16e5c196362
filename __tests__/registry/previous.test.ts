import { describe, expect, it } from 'vitest';
import { findPreviousTag, resolvePreviousByTags } from '../../src/registry/previous.js';

describe('registry/previous', () => {
  it.each([
    [['1.0.0', '1.1.0', '1.2.0', '2.0.0'], '1.2.0', '1.1.0'],
    [['1.0.0', '1.1.0', '1.2.0', '2.0.0'], '2.0.0', '1.2.0'],
    [['1.0.0', '1.1.0'], '1.0.0', undefined],
    [['1.9.0', '1.10.0', '1.2.0'], '1.11.0', '1.10.0'],
    [['v1.0.0', 'v1.1.0', 'v1.2.0'], 'v1.2.0', 'v1.1.0'],
    [['1.0.0', 'v1.1.0'], '1.2.0', 'v1.1.0'],
    [['latest', 'main', 'sha-abc', '1.2', '1', '1.0.0'], '2.0.0', '1.0.0'],
    [['1.0.0', '1.1.0-rc.1', '1.1.0-beta'], '1.1.0', '1.0.0'],
    [['1.0.0', '2.0.0-rc.1', '2.0.0-beta.2'], '2.0.0-rc.2', '2.0.0-rc.1'],
    [['1.0.0', '2.0.0-beta.2'], '2.0.0-rc.2', '2.0.0-beta.2'],
    [['1.0.0', '1.0.0+build.7'], '1.0.0', undefined],
    [['1.2.3', '1.2.4'], 'latest', undefined],
    [['1.2.3', '01.2.3', '1.2.03'], '2.0.0', '1.2.3'],
    [[], '1.0.0', undefined],
    [['3.0.0', '2.5.1', '2.5.0'], '3.0.0', '2.5.1'],
  ])('among %j below %s picks %s', (tags, current, expected) => {
    expect(findPreviousTag(tags, current)).toBe(expected);
  });

  it('prefers the tag style of the current tag when two tags name the same version, whatever the order', () => {
    expect(findPreviousTag(['1.0.0', 'v1.0.0'], 'v2.0.0')).toBe('v1.0.0');
    expect(findPreviousTag(['v1.0.0', '1.0.0'], 'v2.0.0')).toBe('v1.0.0');
    expect(findPreviousTag(['v1.0.0', '1.0.0'], '2.0.0')).toBe('1.0.0');
  });

  it('lists the tags through the client and returns a reference to open', async () => {
    const seen: string[] = [];
    const client = {
      listTags: (repo: { repository: string }) => (
        seen.push(repo.repository),
        Promise.resolve(['1.0.0', '1.1.0', 'latest'])
      ),
    };
    const prev = await resolvePreviousByTags(client, { registry: 'ghcr.io', repository: 'org/app' }, '1.2.0');
    expect(prev).toEqual({ tag: '1.1.0', reference: 'ghcr.io/org/app:1.1.0' });
    expect(seen).toEqual(['org/app']);
    expect(
      await resolvePreviousByTags(client, { registry: 'ghcr.io', repository: 'org/app' }, 'main'),
    ).toBeUndefined();
    expect(seen).toHaveLength(1); // a non-semver current tag does not even list
  });
});
