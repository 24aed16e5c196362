/**
 * `text` without its trailing NUL characters. A loop, not `replace(/\0+$/, '')`: that regex retries
 * from every NUL of a run that does not reach the end, quadratic in the run (20,000 NULs before one
 * other character: 3.5 s).
 */
export function trimTrailingNuls(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  return end === text.length ? text : text.slice(0, end);
}
