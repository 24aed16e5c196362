import type { ChangelogEntry, Ecosystem } from '../catalog/types.js';

/**
 * Security identifiers named in changelog entries: CVE ids, and the distributions' own advisory and
 * bug ids where the entries carry them (Debian DSA/DLA and `Closes: #n`, Ubuntu USN and `LP: #n`,
 * Red Hat family RHSA/ALSA/RLSA/ELSA, `RHEL-n` and bugzilla `rhbz#n` / `(#n)`, SUSE `bsc#n`, GitHub
 * GHSA-…, PyPA PYSEC-…).
 * Only the text of the entries given is read; the ids come back upper-cased, deduplicated, sorted.
 */
const CVE = /\bCVE-(\d{4})-(\d{4,7})\b/gi;

const ADVISORIES: ReadonlyArray<{ pattern: RegExp; format: (m: RegExpExecArray) => string }> = [
  {
    pattern: /\b(DSA|DLA|USN|RHSA|ALSA|RLSA|ELSA|RHBA|RHEA)-(\d{3,5}(?:[-:]\d{1,5})?)\b/gi,
    format: (m) => `${m[1]!.toUpperCase()}-${m[2]!}`,
  },
  { pattern: /\bRHEL-(\d{1,7})\b/g, format: (m) => `RHEL-${m[1]!}` },
  { pattern: /\b(?:rhbz|bz)\s*#\s*(\d{4,8})\b/gi, format: (m) => `rhbz#${m[1]!}` },
  { pattern: /\b(bsc|boo|bnc)#(\d{4,8})\b/gi, format: (m) => `${m[1]!.toLowerCase()}#${m[2]!}` },
  { pattern: /\bLP:\s*#(\d{4,8})\b/gi, format: (m) => `LP#${m[1]!}` },
  // Language packages' changelogs name GitHub's and the Python advisory database's ids.
  {
    pattern: /\bGHSA((?:-[23456789cfghjmpqrvwx]{4}){3})\b/gi,
    format: (m) => `GHSA${m[1]!.toLowerCase()}`,
  },
  { pattern: /\bPYSEC-(\d{4})-(\d{1,6})\b/g, format: (m) => `PYSEC-${m[1]!}-${m[2]!}` },
];

/** `Closes: #123, #456` (Debian policy 4.4). */
const CLOSES = /\bcloses:\s*((?:(?:bug)?#?\s?\d+(?:,\s*)?)+)/gi;

export interface SecurityIds {
  cves: string[];
  advisories: string[];
}

export function cveIdsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(CVE)) out.add(`CVE-${m[1]!}-${m[2]!}`);
  return [...out];
}

export function securityIdsOf(entries: readonly ChangelogEntry[], ecosystem: Ecosystem): SecurityIds {
  const cves = new Set<string>();
  const advisories = new Set<string>();
  for (const { text } of entries) {
    for (const id of cveIdsIn(text)) cves.add(id);
    for (const { pattern, format } of ADVISORIES)
      for (const m of text.matchAll(pattern)) advisories.add(format(m));
    if (ecosystem === 'dpkg') {
      for (const m of text.matchAll(CLOSES))
        for (const n of m[1]!.matchAll(/\d+/g)) advisories.add(`Debian#${n[0]}`);
    }
    if (ecosystem === 'rpm') {
      // Red Hat family changelogs write bugzilla numbers as `(#2234716)` or `Resolves: #2234716`.
      for (const m of text.matchAll(/(?:\(|resolves:\s*|related:\s*)#(\d{6,8})\b/gi))
        advisories.add(`rhbz#${m[1]!}`);
    }
  }
  return { cves: sortIds([...cves]), advisories: [...advisories].sort() };
}

/** CVE ids by year, then number (CVE-2023-4911 before CVE-2023-29491). */
export function sortIds(ids: string[]): string[] {
  const key = (id: string): [number, number] => {
    const m = /^CVE-(\d+)-(\d+)$/.exec(id);
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  return ids.sort((a, b) => {
    const [ya, na] = key(a);
    const [yb, nb] = key(b);
    return ya - yb || na - nb || (a < b ? -1 : a > b ? 1 : 0);
  });
}
