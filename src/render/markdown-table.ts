import { markdownTable } from 'markdown-table';

/**
 * A GFM table of already-escaped cells. Delimiters are not aligned: rows stay independent of each
 * other (cheap to render again while fitting a budget, and no padding spent on long cells).
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: readonly string[]): string {
  return markdownTable([header, ...rows], { alignDelimiters: false, ...(align ? { align } : {}) });
}
