import picomatch from 'picomatch';
import { globLimitProblem } from '../util/glob-limits.js';
import semver from 'semver';
import type { VersionClause, VersionConstraint } from './model.js';

/** Outcome of parsing one policy value: the value, or what was expected instead. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

/** `YYYY-MM-DD`, a real calendar day. */
export function parseDate(text: string): Parsed<string> {
  const expected = 'a date YYYY-MM-DD like 2026-12-31';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return { ok: false, expected };
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (date.toISOString().slice(0, 10) !== text) return { ok: false, expected };
  return { ok: true, value: text };
}

/** The first moment an allowance expiring on `date` no longer applies: the next day, 00:00 UTC. */
export function expiryInstant(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) + 24 * 3600 * 1000;
}

/** A glob picomatch accepts with strict brackets (an unclosed `[` or `{` is a typo, not a literal). */
export function parseGlob(text: string): Parsed<string> {
  if (text.trim() === '') return { ok: false, expected: 'a non-empty glob' };
  const limit = globLimitProblem(text);
  if (limit !== undefined) return { ok: false, expected: limit };
  try {
    picomatch.makeRe(text, { strictBrackets: true, dot: true });
    return { ok: true, value: text };
  } catch (err) {
    const m = /Missing (opening|closing): "(.)"/.exec(err instanceof Error ? err.message : '');
    const why = m ? `missing ${m[1]} "${m[2]}"` : 'not a valid glob';
    return { ok: false, expected: `a valid glob (${why}; escape literal brackets with \\)` };
  }
}

const CLAUSE = /^(<=|>=|!=|==|=|<|>)?\s*([A-Za-z0-9][^\s<>=!,]*)$/;

/**
 * A version constraint: `OP VERSION` clauses joined by `,` (all must hold), compared in the package's
 * own scheme; and, when the text is one, a semver range for npm packages (`^1.2`, `>=1 <2`).
 */
export function parseVersionConstraint(text: string): VersionConstraint | undefined {
  const constraint: VersionConstraint = { text };
  const range = semver.validRange(text);
  if (range !== null) constraint.semverRange = text;
  const clauses: VersionClause[] = [];
  for (const part of text.split(',')) {
    const m = CLAUSE.exec(part.trim());
    if (m === null) {
      clauses.length = 0;
      break;
    }
    const op = (m[1] === '==' || m[1] === undefined ? '=' : m[1]) as VersionClause['op'];
    clauses.push({ op, version: m[2]! });
  }
  if (clauses.length > 0) constraint.clauses = clauses;
  return constraint.semverRange === undefined && constraint.clauses === undefined ? undefined : constraint;
}

/** Does `order` (compare(version, clause.version)) satisfy one clause? */
export function clauseHolds(op: VersionClause['op'], order: -1 | 0 | 1): boolean {
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
  }
}
