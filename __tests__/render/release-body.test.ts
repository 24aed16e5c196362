import { describe, expect, it } from 'vitest';
import { releaseBudget, spliceReleaseBody } from '../../src/render/release-body.js';

describe('release-body', () => {
  it('appends the changelog between markers after the author text', () => {
    const out = spliceReleaseBody('My notes.\n', 'k1', '## Changes\nx')!;
    expect(out).toBe(
      'My notes.\n\n<!-- image-changelog:start k1 -->\n## Changes\nx\n<!-- image-changelog:end k1 -->',
    );
  });

  it('replaces only its own block on a re-run and keeps text on both sides', () => {
    const first = spliceReleaseBody('Intro', 'k1', 'old')!;
    const edited = `${first}\n\nFooter by the author`;
    const second = spliceReleaseBody(edited, 'k1', 'new')!;
    expect(second).toContain('Intro');
    expect(second).toContain('Footer by the author');
    expect(second).toContain('\nnew\n');
    expect(second).not.toContain('\nold\n');
  });

  it('keeps blocks of other keys (matrix legs) apart', () => {
    const a = spliceReleaseBody('', 'amd64', 'A')!;
    const both = spliceReleaseBody(a, 'arm64', 'B')!;
    const again = spliceReleaseBody(both, 'amd64', 'A2')!;
    expect(again).toContain('\nA2\n');
    expect(again).toContain('\nB\n');
  });

  it('refuses a result over the limit instead of cutting the author text', () => {
    expect(spliceReleaseBody('x'.repeat(90), 'k', 'y'.repeat(50), 100)).toBeUndefined();
  });

  it('gives a budget that makes the spliced body fit within the limit', () => {
    const body = 'author text '.repeat(100);
    const budget = releaseBudget(body, 'k', 5000);
    expect(spliceReleaseBody(body, 'k', 'z'.repeat(budget), 5000)).toBeDefined();
    expect(spliceReleaseBody(body, 'k', 'z'.repeat(budget + 10), 5000)).toBeUndefined();
  });
});
