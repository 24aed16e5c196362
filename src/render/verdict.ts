import type { RuleAction, Verdict, Violation } from '../policy/types.js';
import { safeLine } from '../util/errors.js';

/** How many violations the one-line summary names before "and N more". */
const NAMED_IN_LINE = 3;
/** Longest violation message quoted in one line or annotation title (image strings can be long). */
const MAX_MESSAGE = 300;

/**
 * One line for the log, `setFailed` or stderr: the result, the counts by action, and the first
 * violations that count (allowed ones do not).
 */
export function verdictLine(verdict: Verdict): string {
  const counting = verdict.violations.filter((v) => v.allowed === undefined);
  const allowed = verdict.violations.length - counting.length;
  const allowedNote = allowed > 0 ? `; ${allowed} allowed by the allowlist` : '';
  const head = `policy ${oneLine(verdict.policy)}`;
  if (counting.length === 0) return `${head}: pass, no violations${allowedNote}`;
  const byAction = (['stop', 'warn', 'info'] as const)
    .map((action) => [action, counting.filter((v) => v.action === action).length] as const)
    .filter(([, n]) => n > 0)
    .map(([action, n]) => `${n} ${action}`)
    .join(', ');
  const named = counting.slice(0, NAMED_IN_LINE).map((v) => `[${v.action}] ${v.rule}: ${oneLine(v.message)}`);
  const more = counting.length > NAMED_IN_LINE ? `; and ${counting.length - NAMED_IN_LINE} more` : '';
  const noun = counting.length === 1 ? 'violation' : 'violations';
  return `${head}: ${verdict.result}, ${counting.length} ${noun} (${byAction}): ${named.join('; ')}${more}${allowedNote}`;
}

/** Plain data for a GitHub annotation (the action adapter turns it into core.error/warning/notice). */
export interface VerdictAnnotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
}

const LEVEL: Record<RuleAction, VerdictAnnotation['level']> = {
  stop: 'error',
  warn: 'warning',
  info: 'notice',
};

/**
 * Annotations for the violations that count, at most `max` per level (GitHub shows 10 of each kind per
 * step); when a level has more, its last annotation says how many were left out.
 */
export function verdictAnnotations(verdict: Verdict, max = 10): VerdictAnnotation[] {
  const out: VerdictAnnotation[] = [];
  for (const action of ['stop', 'warn', 'info'] as const) {
    const list = verdict.violations.filter((v) => v.allowed === undefined && v.action === action);
    const shown = list.length > max ? list.slice(0, Math.max(0, max - 1)) : list;
    for (const v of shown) out.push(annotation(v));
    const left = list.length - shown.length;
    if (left > 0 && max > 0) {
      out.push({
        level: LEVEL[action],
        title: `policy: ${left} more ${action} violations`,
        message: `${left} more ${action} violations of policy ${oneLine(verdict.policy)}; the report lists them all`,
      });
    }
  }
  return out;
}

function annotation(v: Violation): VerdictAnnotation {
  return { level: LEVEL[v.action], title: `policy ${v.action}: ${v.rule}`, message: oneLine(v.message) };
}

/** Strings from images may hold control characters or be very long: keep one short line. */
/**
 * One annotation line: image-controlled text (paths, names in violation messages) with every control
 * character escaped as safeLine does for error lines (C0, DEL, C1 and the bidi controls, not only C0).
 */
function oneLine(text: string): string {
  const flat = safeLine(text).replace(/ {2,}/g, ' ');
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}
