/** How many items an error line lists before it says how many more there are. */
export const LISTED_ITEMS = 20;
/** Longest an item is shown (names from images can be long). */
const ITEM_CHARS = 100;

/**
 * `a, b, c` or, past `max` items, `a, b, ... (and 17,980 more)`: error lines that list what exists
 * (platforms, tags, images) stay one readable line whatever an image holds. Empty: `none`.
 */
export function cutList(
  items: readonly string[],
  options: { max?: number; separator?: string } = {},
): string {
  const { max = LISTED_ITEMS, separator = ', ' } = options;
  if (items.length === 0) return 'none';
  const shown = items
    .slice(0, max)
    .map((item) => (item.length > ITEM_CHARS ? `${item.slice(0, ITEM_CHARS)}…` : item));
  const rest = items.length - shown.length;
  const listed = shown.join(separator);
  return rest > 0 ? `${listed} (and ${rest.toLocaleString('en-US')} more)` : listed;
}
