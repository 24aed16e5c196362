import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeCode, escapeText, markerKey, terminalSafe } from '../../src/render/escape.js';
import { HOSTILE } from '../helpers/hostile-changes.js';
import { splitCode, tableCells } from './markdown-checks.js';

const ZWSP = '\u200B';

/** Strings built from markdown/HTML fragments, control characters and arbitrary unicode. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...HOSTILE.filter((s) => s.length < 100),
        '|',
        '\\',
        '`',
        '``',
        '<',
        '>',
        '&',
        '@',
        '#1',
        'GH-1',
        'http://',
        'www.',
        '[',
        ']',
        '(',
        ')',
        '!',
        '*',
        '_',
        '~',
        '$',
        '\n',
        '\r',
        '\t',
        '\u001b',
        '\u202e',
        '\u2028',
        '\u0000',
        '\ud800',
        '\u{e0041}',
        '-',
        '1.',
        ' ',
      ),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

/** True when `ch` at `i` is escaped by an odd number of backslashes before it. */
function escapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && s[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

function textProblems(out: string): string[] {
  const problems: string[] = [];
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/.test(out))
    problems.push('hidden character');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(out))
    problems.push('lone surrogate');
  if (/[<>]/.test(out)) problems.push('angle bracket');
  if (/&(?!amp;|lt;|gt;|quot;)/.test(out)) problems.push('bare &');
  if (/@[A-Za-z0-9_]/.test(out)) problems.push('mention');
  if (/#[0-9]/.test(out)) problems.push('issue reference');
  if (/GH-[0-9]/i.test(out)) problems.push('GH reference');
  if (/:\/\/|www\./i.test(out)) problems.push('autolink');
  if (/^[-+=]|^\d+[.)]/.test(out)) problems.push('block start');
  for (let i = 0; i < out.length; i++) {
    if ('|`*_~[]$\\'.includes(out[i]!) && out[i] !== '\\' && !escapedAt(out, i))
      problems.push(`unescaped ${out[i]!}`);
  }
  // A trailing odd run of backslashes would escape whatever follows the string.
  if (/(^|[^\\])(\\\\)*\\$/.test(out)) problems.push('dangling backslash');
  return problems;
}

describe('escapeText', () => {
  it('escapes markdown punctuation, HTML and entities', () => {
    expect(escapeText('a|b *c* _d_ `e` [f](g) <h> & ~i~ $j$ \\k')).toBe(
      'a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) &lt;h&gt; &amp; \\~i\\~ \\$j\\$ \\\\k',
    );
  });

  it('breaks mentions, issue references and autolinks with a zero-width space', () => {
    expect(escapeText('@org/team mail a@b.c')).toBe(`@${ZWSP}org/team mail a@${ZWSP}b.c`);
    expect(escapeText('fixes #123, GH-4 and gh-5')).toBe(`fixes \\#${ZWSP}123, GH${ZWSP}-4 and gh${ZWSP}-5`);
    expect(escapeText('https://x.example www.y.example')).toBe(
      `https:${ZWSP}//x.example www${ZWSP}.y.example`,
    );
    expect(escapeText('![x](http://evil)')).toBe(`!\\[x\\](http:${ZWSP}//evil)`);
  });

  it('shows newlines and control characters as visible escapes', () => {
    expect(escapeText('a\nb\r\tc\u001b[31m\u202ed\u0000')).toBe(
      'a\\\\nb\\\\r\\\\tc\\\\x1B\\[31m\\\\u202Ed\\\\x00',
    );
  });

  it('keeps a line from starting a list, heading or ordered list', () => {
    expect(escapeText('- x')).toBe('\\- x');
    expect(escapeText('+ x')).toBe('\\+ x');
    expect(escapeText('12. x')).toBe('12\\. x');
    expect(escapeText('# x')).toBe('\\# x');
  });

  it('truncates by code points with an ellipsis, never splitting a surrogate pair', () => {
    expect(escapeText('x'.repeat(10_000))).toBe(`${'x'.repeat(200)}…`);
    expect(escapeText('😀'.repeat(5), { max: 3 })).toBe('😀😀😀…');
    expect(escapeText('abc', { max: 3 })).toBe('abc');
  });

  it('produces inert text for any string (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        expect(textProblems(escapeText(s))).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('escapeCode', () => {
  it('chooses a fence longer than any backtick run and pads when needed', () => {
    expect(escapeCode('a')).toBe('`a`');
    expect(escapeCode('a`b')).toBe('``a`b``');
    expect(escapeCode('`x`')).toBe('`` `x` ``');
    expect(escapeCode('a``b```c')).toBe('````a``b```c````');
    expect(escapeCode('')).toBe('*(empty)*');
  });

  it('escapes pipes in table cells only', () => {
    expect(escapeCode('a|b')).toBe('`a\\|b`');
    expect(escapeCode('a|b', { table: false })).toBe('`a|b`');
  });

  it('turns a string with < into escaped <code> text', () => {
    expect(escapeCode('<script>x|y</script>')).toBe('<code>&lt;script&gt;x\\|y&lt;/script&gt;</code>');
  });

  it('shows exactly the visible string inside one table cell (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = escapeCode(s);
        expect(out).not.toMatch(/[\n\r]/);
        const cells = tableCells(`| ${out} |`);
        expect(cells).toHaveLength(1);
        if (out.startsWith('<code>')) {
          expect(out.slice(6, -7)).not.toMatch(/[<>]/);
          return;
        }
        if (out === '*(empty)*') {
          expect(s).toBe('');
          return;
        }
        // GFM removes the backslash of `\|` before parsing the cell, then the cell is one code span.
        const { text, code } = splitCode(cells[0]!.replace(/\\\|/g, '|').trim());
        expect(text.trim()).toBe('');
        expect(code).toEqual([terminalSafe(s)]);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('terminalSafe', () => {
  it('shows escape sequences and bidi controls instead of passing them to the terminal', () => {
    expect(terminalSafe('\u001b]0;title\u0007\u001b[2J\u202eabc\u{e0041}')).toBe(
      '\\x1B]0;title\\x07\\x1B[2J\\u202Eabc\\u{E0041}',
    );
  });

  it('leaves ordinary unicode alone', () => {
    expect(terminalSafe('café 😀 日本')).toBe('café 😀 日本');
  });
});

describe('markerKey', () => {
  it('cannot close an HTML comment', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const k = markerKey(s);
        expect(k).not.toMatch(/--|>|</);
      }),
    );
  });
});
