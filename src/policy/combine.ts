import type { Verdict } from './types.js';

const RANK: Record<Verdict['result'], number> = { pass: 0, warn: 1, stop: 2 };

/**
 * One verdict for a run that checked the policy several times (each changed stage of each Dockerfile):
 * the worst result, and every violation with the place it came from in front of its message.
 * Undefined when nothing was checked.
 */
export function combineVerdicts(
  checked: ReadonlyArray<{ where: string; verdict: Verdict }>,
): Verdict | undefined {
  const first = checked[0];
  if (!first) return undefined;
  let result: Verdict['result'] = 'pass';
  for (const { verdict } of checked) if (RANK[verdict.result] > RANK[result]) result = verdict.result;
  return {
    result,
    policy: first.verdict.policy,
    violations: checked.flatMap(({ where, verdict }) =>
      verdict.violations.map((v) => ({ ...v, message: `${where}: ${v.message}` })),
    ),
  };
}
