/**
 * Read a stream to its end, refusing more than `maxBytes`: once past the limit the stream is
 * destroyed and `tooLarge()` is thrown, so a hostile peer cannot make us buffer without bound.
 */
export async function readCapped(
  stream: AsyncIterable<unknown> & { destroy(): void },
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}
