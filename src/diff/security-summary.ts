import { cveIdsIn } from './security-ids.js';
import type { CveMention, PackageChange, SecuritySummary } from './types.js';

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
