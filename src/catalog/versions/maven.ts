import { compareLooseBy, looseBump, type WordRanks } from './loose.js';
import type { VersionScheme } from './scheme.js';

/**
 * Maven's qualifier order (as ComparableVersion has it): alpha < beta < milestone < rc < snapshot <
 * release (ga, final, release, or none) < sp; unknown qualifiers after those, by name; numbers after
 * any qualifier. `a1`, `b1`, `m1` are alpha/beta/milestone, `cr` is rc.
 */
const MAVEN_RANKS: Record<string, number> = {
  alpha: -5,
  a: -5,
  beta: -4,
  b: -4,
  milestone: -3,
  m: -3,
  rc: -2,
  cr: -2,
  snapshot: -1,
  ga: 0,
  final: 0,
  release: 0,
  sp: 1,
};

const mavenWordRanks: WordRanks = (word) => MAVEN_RANKS[word];

export const mavenVersionScheme: VersionScheme = {
  id: 'maven',
  compare: (a, b) => compareLooseBy(mavenWordRanks, a.trim(), b.trim()),
  bump: looseBump,
};
