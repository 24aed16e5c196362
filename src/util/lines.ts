/**
 * The lines of a text one at a time, without their `\n` (nor a `\r` before it), and never an array
 * of all of them: captured files are up to the capture cap, and `split('\n')` over 150 million
 * newlines makes 150 million strings at once (V8 gives up with "invalid size"). A final line
 * without its newline is yielded too; a text ending in `\n` yields no empty line after it.
 */
export function* lines(text: string): Generator<string, void, undefined> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    yield text.slice(start, stop);
    start = end + 1;
  }
}
