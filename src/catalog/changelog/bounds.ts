/**
 * How much of a package's changelog is kept. Changelogs are newest first and only the entries newer
 * than the other image's version are ever shown, so the head is what matters: a package keeps at most
 * MAX_ENTRIES entries and MAX_CHANGELOG_CHARS of text, each entry at most MAX_ENTRY_CHARS. Past that
 * the changelog is marked `truncated`, and a change whose cut-off lies beyond it says its entries are
 * incomplete instead of guessing.
 */
export const MAX_ENTRIES = 300;
export const MAX_ENTRY_CHARS = 8 * 1024;
export const MAX_CHANGELOG_CHARS = 64 * 1024;

/** Cut one entry's text to MAX_ENTRY_CHARS (at a code point boundary), marking the cut. */
export function boundEntryText(text: string): string {
  if (text.length <= MAX_ENTRY_CHARS) return text;
  let end = MAX_ENTRY_CHARS;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** What the changelog probes keep of a file: its head as text, whether that is all of it, and why not. */
export interface ChangelogHead {
  text: string;
  complete: boolean;
  error?: string;
}

/** A probe result read back (from the layer walk or the cache) that has a changelog head's shape. */
export function isChangelogHead(value: unknown): value is ChangelogHead {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ChangelogHead).text === 'string' &&
    typeof (value as ChangelogHead).complete === 'boolean'
  );
}
