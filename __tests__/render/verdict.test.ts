import { describe, expect, it } from 'vitest';
import { verdictAnnotations, verdictLine } from '../../src/render/verdict.js';
import type { Verdict, Violation } from '../../src/policy/types.js';

const v = (
  action: Violation['action'],
  rule: string,
  subject: string,
  extra: Partial<Violation> = {},
): Violation => ({
  rule,
  action,
  subject,
  message: `${subject} broke ${rule}`,
  ...extra,
});

describe('verdictLine', () => {
  it('names the result, the counts and the first three counting violations', () => {
    const verdict: Verdict = {
      result: 'stop',
      policy: '.github/image-policy.yml',
      violations: [
        v('stop', 'package-downgraded', 'dpkg:libc6', { allowed: { reason: 'pinned' } }),
        v('stop', 'package-downgraded', 'dpkg:zlib1g'),
        v('stop', 'nonpackaged-setuid', 'usr/local/bin/x'),
        v('warn', 'major-upgrade', 'npm:express'),
        v('info', 'note', 'dpkg:curl'),
      ],
    };
    expect(verdictLine(verdict)).toBe(
      'policy .github/image-policy.yml: stop, 4 violations (2 stop, 1 warn, 1 info): ' +
        '[stop] package-downgraded: dpkg:zlib1g broke package-downgraded; ' +
        '[stop] nonpackaged-setuid: usr/local/bin/x broke nonpackaged-setuid; ' +
        '[warn] major-upgrade: npm:express broke major-upgrade; and 1 more; 1 allowed by the allowlist',
    );
  });

  it('says pass when nothing counts', () => {
    expect(verdictLine({ result: 'pass', policy: 'recommended', violations: [] })).toBe(
      'policy recommended: pass, no violations',
    );
  });

  it('stays on one line when a message carries newlines from an image', () => {
    const verdict: Verdict = {
      result: 'warn',
      policy: 'p',
      violations: [v('warn', 'r', 'evil\nname\r\u0007')],
    };
    const line = verdictLine(verdict);
    expect([...line].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(line).toBe('policy p: warn, 1 violation (1 warn): [warn] r: evil name \\u0007 broke r');
  });

  it('escapes C1 and bidi controls from an image too, in the line and in annotations', () => {
    const verdict: Verdict = {
      result: 'warn',
      policy: 'p',
      violations: [v('warn', 'r', 'usr/bin/\u009b2J\u202egnp.exe')],
    };
    const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    expect(verdictLine(verdict)).not.toMatch(CONTROL);
    expect(verdictLine(verdict)).toContain('usr/bin/\\u009b2J\\u202egnp.exe');
    for (const a of verdictAnnotations(verdict)) expect(a.message).not.toMatch(CONTROL);
  });
});

describe('verdictAnnotations', () => {
  it('maps actions to levels and skips allowed violations', () => {
    const verdict: Verdict = {
      result: 'stop',
      policy: 'p',
      violations: [
        v('stop', 'a', 'x'),
        v('stop', 'a', 'y', { allowed: { reason: 'ok' } }),
        v('warn', 'b', 'z'),
        v('info', 'c', 'w'),
      ],
    };
    expect(verdictAnnotations(verdict)).toEqual([
      { level: 'error', title: 'policy stop: a', message: 'x broke a' },
      { level: 'warning', title: 'policy warn: b', message: 'z broke b' },
      { level: 'notice', title: 'policy info: c', message: 'w broke c' },
    ]);
  });

  it('keeps each level within max and says how many were left out', () => {
    const violations = Array.from({ length: 25 }, (_, i) => v('stop', 'a', `f${String(i).padStart(2, '0')}`));
    const notes = verdictAnnotations(
      { result: 'stop', policy: 'p', violations: [...violations, v('warn', 'b', 'z')] },
      10,
    );
    const errors = notes.filter((n) => n.level === 'error');
    expect(errors).toHaveLength(10);
    expect(errors[8]!.message).toBe('f08 broke a');
    expect(errors[9]).toEqual({
      level: 'error',
      title: 'policy: 16 more stop violations',
      message: '16 more stop violations of policy p; the report lists them all',
    });
    expect(notes.filter((n) => n.level === 'warning')).toHaveLength(1);
  });
});
