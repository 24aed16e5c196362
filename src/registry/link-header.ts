/** `<...>; rel="next"` from a Link header, resolved against the current page. */
export function nextLink(link: string | undefined, current: URL): URL | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2] ?? '')) {
      try {
        return new URL(m[1] ?? '', current);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
