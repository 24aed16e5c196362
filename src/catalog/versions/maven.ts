import { compareLooseBy, genericWordRanks, looseBump, type WordRanks } from './loose.js';
import type { VersionScheme } from './scheme.js';

/**
 * Maven's qualifier order (as ComparableVersion has it): alpha < beta < milestone < rc < snapshot <
 * release (ga, final, release, or none) < sp; unknown qualifiers after those, by name; numbers after
 * any qualifier. `a1`, `b1`, `m1` are alpha/beta/milestone, `cr` is rc. These words rank as in the
 * generic order; Maven knows no others (`dev`, `pre`, `post` are unknown qualifiers to it).
 */
const MAVEN_WORDS = new Set([
  'alpha',
  'a',
  'beta',
  'b',
  'milestone',
  'm',
  'rc',
  'cr',
  'snapshot',
  'ga',
  'final',
  'release',
  'sp',
]);

const mavenWordRanks: WordRanks = (word) => (MAVEN_WORDS.has(word) ? genericWordRanks(word) : undefined);

export const mavenVersionScheme: VersionScheme = {
  id: 'maven',
  compare: (a, b) => compareLooseBy(mavenWordRanks, a.trim(), b.trim()),
  bump: looseBump,
};
