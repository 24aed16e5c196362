import { markdownTable } from 'markdown-table';

/** A GFM table prepared once: its header lines and each row's line, so any prefix of rows renders cheaply. */
export interface PreparedTable {
  head: string;
  rows: string[];
}

const OPTIONS = { alignDelimiters: false } as const;

/**
 * Prepares a table of already-escaped cells. Delimiters are not aligned, so every row's line is
 * independent of the others: rendering for a budget only joins a prefix of the lines again.
 */
export function prepareTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align?: readonly string[],
): PreparedTable {
  const options = align ? { ...OPTIONS, align } : OPTIONS;
  const head = markdownTable([header], options);
  const width = header.length;
  return {
    head,
    rows: rows.map((r) => {
      const text = markdownTable(
        [
          header.map(() => ''),
          r.length === width
            ? r
            : [...r, ...Array<string>(Math.max(0, width - r.length)).fill('')].slice(0, width),
        ],
        options,
      );
      return text.slice(text.lastIndexOf('\n') + 1);
    }),
  };
}

/** The table with its first `limit` rows. */
export function renderTable(t: PreparedTable, limit: number): string {
  return limit >= t.rows.length
    ? `${t.head}\n${t.rows.join('\n')}`
    : `${t.head}\n${t.rows.slice(0, limit).join('\n')}`;
}

/** A whole table in one go (small tables such as the overview). */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align?: readonly string[],
): string {
  return markdownTable([header, ...rows], align ? { ...OPTIONS, align } : OPTIONS);
}
