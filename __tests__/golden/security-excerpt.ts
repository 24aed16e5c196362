/**
 * The README's second example: why packages changed, from the AlmaLinux 9.2 -> 9.3 golden comment
 * (the first screen's CVE line and the first folded package). scripts/update-golden.ts writes it with
 * the fixtures tier; the AlmaLinux changelog test checks it still matches the golden file.
 */
export const SECURITY_EXCERPT_START =
  '<!-- security-excerpt:start (written by scripts/update-golden.ts from the almalinux-9.2-9.3-arm64 golden file) -->';
export const SECURITY_EXCERPT_END = '<!-- security-excerpt:end -->';
export const SECURITY_EXCERPT_CASE = 'almalinux-9.2-9.3-arm64';

/** Title, headline and CVE line, then the "Why they changed" section cut after its first fold. */
export function securityExcerptOf(markdown: string): string {
  const lines = markdown.split('\n');
  // The headline, then the security block (its own paragraph and list) when there is one.
  const security = lines.findIndex((l) => l.startsWith('🔒'));
  const headEnd = lines.findIndex((l, i) => i > Math.max(1, security) && l === '');
  const head = lines.slice(0, headEnd).filter((l) => !l.startsWith('<!--'));
  const why = lines.findIndex((l) => l.includes('<b>Why they changed</b>'));
  if (why < 1) throw new Error('the golden comment has no "Why they changed" section');
  const firstFoldEnd = lines.findIndex((l, i) => i > why + 2 && l === '</details>');
  return [...head, '', ...lines.slice(why - 1, firstFoldEnd + 1), '', '</details>', ''].join('\n');
}

export function readmeSecurityExcerpt(readme: string): string | undefined {
  const start = readme.indexOf(SECURITY_EXCERPT_START);
  const end = readme.indexOf(SECURITY_EXCERPT_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + SECURITY_EXCERPT_START.length, end).replace(/^\n+/, '').replace(/\n+$/, '\n');
}

export function withSecurityExcerpt(readme: string, excerpt: string): string {
  const start = readme.indexOf(SECURITY_EXCERPT_START);
  const end = readme.indexOf(SECURITY_EXCERPT_END);
  if (start < 0 || end < start) throw new Error('README.md lacks the security excerpt markers');
  return `${readme.slice(0, start + SECURITY_EXCERPT_START.length)}\n\n${excerpt.trimEnd()}\n\n${readme.slice(end)}`;
}
