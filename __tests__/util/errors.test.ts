import { describe, expect, it } from 'vitest';
import { describeError, ImageChangelogError, MAX_ERROR_LINE, safeLine } from '../../src/util/errors.js';

describe('error lines', () => {
  it('escapes terminal controls from image-controlled text (OSC 52, screen clear, CR, bidi)', () => {
    const tag = 'v1\u001b]52;c;ZXZpbA==\u0007\u001b[2J\rfake ok\u202e\u0085';
    const line = describeError(
      new ImageChangelogError('IMAGE_NOT_FOUND', `tag ${tag} not found`, { hint: 'x\u009by' }),
    );
    expect(line).toBe(
      'tag v1\\u001b]52;c;ZXZpbA==\\u0007\\u001b[2J fake ok\\u202e\\u0085 not found (x\\u009by)',
    );
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('keeps one line: newlines and tabs with their spaces become one space', () => {
    expect(describeError(new Error('a \n\t b\r\nc'))).toBe('unexpected error: a b c');
  });

  it('cuts a very long line and says how much was left out', () => {
    const line = safeLine(`glob ${'*'.repeat(70_000)}`);
    expect(line.length).toBeLessThan(MAX_ERROR_LINE + 50);
    expect(line).toMatch(/\.\.\. \(68005 more characters\)$/);
  });
});
