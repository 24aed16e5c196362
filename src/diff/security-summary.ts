import { cveIdsIn } from './security-ids.js';
import type { PackageChange } from './types.js';

/**
 * The security side of a changelog, over every upgrade and downgrade: which CVEs the upgrades fix,
 * which ones downgrades reopen, and which fixes are the most notable.
 *
 * "Most notable" without a vulnerability database: the words of the entry line that names the CVE
 * (as the distribution wrote it: "buffer overflow in ld.so leading to privilege escalation") ranked
 * by impact (code execution and privilege escalation, then memory corruption, then information
 * leaks and denial of service), then by how many changed packages carry the fix, then newest id first.
 */
export interface CveMention {
  id: string;
  /** Names of the changed packages whose entries name it, sorted. */
  packages: string[];
  /** The entry line naming it (first seen), trimmed: the distribution's own words. */
  line: string;
  /** Impact rank from those words (higher is worse); 0 when they say nothing about impact. */
  impact: number;
}

export interface SecuritySummary {
  /** CVEs named in the entries the upgrades bring, most notable first. */
  fixed: CveMention[];
  /** CVEs named in the entries downgrades undo, most notable first. */
  reopened: CveMention[];
  /** Upgrades labelled security updates (CVE entries or a security pocket). */
  securityUpdates: number;
  /** Upgrades and downgrades whose entries may be incomplete or could not be read. */
  withoutEntries: number;
}

const IMPACT: ReadonlyArray<[RegExp, number]> = [
  [
    /\b(?:remote code execution|arbitrary code|code execution|privilege escalation|escalat\w+ privileges?)\b/i,
    4,
  ],
  [
    /\b(?:buffer overflow|heap overflow|stack overflow|out[- ]of[- ]bounds write|use[- ]after[- ]free|double[- ]free|memory corruption|overflow|underflow)\b/i,
    3,
  ],
  [
    /\b(?:out[- ]of[- ]bounds read|information (?:leak|disclosure)|bypass|spoof\w*|injection|forger\w*|side[- ]channel)\b/i,
    2,
  ],
  [/\b(?:denial of service|dos|crash|null pointer|infinite loop|excessive|exhaustion|leak)\b/i, 1],
];

export function impactOf(line: string): number {
  return IMPACT.reduce((best, [pattern, rank]) => (rank > best && pattern.test(line) ? rank : best), 0);
}

export function summarizeSecurity(packages: readonly PackageChange[]): SecuritySummary {
  const fixed = new Map<string, CveMention>();
  const reopened = new Map<string, CveMention>();
  let securityUpdates = 0;
  let withoutEntries = 0;
  for (const p of packages) {
    const notes = p.changelog;
    if (p.kind !== 'upgraded' && p.kind !== 'downgraded') continue;
    if (!notes || notes.missing !== undefined || notes.incomplete) withoutEntries++;
    if (!notes) continue;
    if (p.kind === 'upgraded' && notes.security) securityUpdates++;
    const into = p.kind === 'upgraded' ? fixed : reopened;
    for (const entry of notes.entries) {
      if (!/cve-/i.test(entry.text)) continue;
      for (const raw of entry.text.split('\n')) {
        const ids = cveIdsIn(raw);
        if (ids.length === 0) continue;
        // The words around the id: a bounded piece of the line, so a hostile 8 KiB line costs no more.
        const line = cleanLine(raw);
        const impact = impactOf(line);
        for (const id of ids) {
          const mention = into.get(id);
          if (mention) {
            if (!mention.packages.includes(p.name)) mention.packages.push(p.name);
            if (impact > mention.impact) Object.assign(mention, { impact, line });
          } else into.set(id, { id, packages: [p.name], line, impact });
        }
      }
    }
    // An id named across a line break is still one the entries name.
    for (const id of notes.cves)
      if (!into.has(id)) into.set(id, { id, packages: [p.name], line: '', impact: 0 });
  }
  return {
    fixed: ranked(fixed),
    reopened: ranked(reopened),
    securityUpdates,
    withoutEntries,
  };
}

function cleanLine(line: string): string {
  return line
    .replace(/^\s*[-*+]\s*/, '')
    .trim()
    .slice(0, 300);
}

function ranked(mentions: Map<string, CveMention>): CveMention[] {
  const year = (id: string) => Number(/^CVE-(\d+)-(\d+)$/.exec(id)?.[1] ?? 0);
  const num = (id: string) => Number(/^CVE-(\d+)-(\d+)$/.exec(id)?.[2] ?? 0);
  for (const m of mentions.values()) m.packages.sort();
  return [...mentions.values()].sort(
    (a, b) =>
      b.impact - a.impact ||
      b.packages.length - a.packages.length ||
      year(b.id) - year(a.id) ||
      num(b.id) - num(a.id),
  );
}
