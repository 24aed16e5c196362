/**
 * Finds a version banner in a byte stream: a fixed marker (e.g. `BusyBox v`) followed, within `span`
 * bytes, by text a pattern accepts. Bytes arrive in chunks; a marker or its text may straddle two
 * chunks, so at most `marker.length + span` bytes are carried from one chunk to the next. The first
 * accepted match wins (the same marker can appear in other strings first: `syslogd started: BusyBox v1.37.0`
 * has no build date after it, the banner does).
 */
export class MarkerSearch {
  private carry: Buffer = Buffer.alloc(0);
  private found: string | undefined;

  /**
   * @param accept called with the `span` bytes (fewer at end of file) that start at the marker, as
   *   latin1 text; returns the value to keep, or undefined to go on searching.
   */
  constructor(
    private readonly marker: Buffer,
    private readonly span: number,
    private readonly accept: (text: string) => string | undefined,
  ) {}

  get result(): string | undefined {
    return this.found;
  }

  write(chunk: Buffer): void {
    if (this.found !== undefined) return;
    if (this.carry.length === 0) return this.search(chunk, false);
    // Markers that start in the carried bytes are looked for in the carry and just enough of the
    // chunk to hold their text; the chunk itself is then searched in place. Joining the carry with
    // the whole chunk copied every chunk of every binary (up to 256 KiB each, per marker).
    const reach = this.marker.length - 1 + this.span;
    if (chunk.length <= reach) return this.search(Buffer.concat([this.carry, chunk]), false);
    const carried = this.carry.length;
    const joined = Buffer.concat([this.carry, chunk.subarray(0, reach)]);
    for (let from = 0; ;) {
      const at = joined.indexOf(this.marker, from);
      if (at < 0 || at >= carried) break;
      // joined.length - at > reach >= span: the marker's text is all here.
      const value = this.accept(joined.toString('latin1', at, at + this.span));
      if (value !== undefined) {
        this.found = value;
        this.carry = Buffer.alloc(0);
        return;
      }
      from = at + 1;
    }
    this.search(chunk, false);
  }

  end(): void {
    if (this.found === undefined && this.carry.length > 0) this.search(this.carry, true);
    this.carry = Buffer.alloc(0);
  }

  private search(data: Buffer, atEnd: boolean): void {
    let from = 0;
    for (;;) {
      const at = data.indexOf(this.marker, from);
      if (at < 0) break;
      if (!atEnd && data.length - at < this.span) {
        // Not all of its text has arrived: keep from the marker on (a copy: chunks are borrowed).
        this.carry = Buffer.from(data.subarray(at));
        return;
      }
      const value = this.accept(data.toString('latin1', at, Math.min(data.length, at + this.span)));
      if (value !== undefined) {
        this.found = value;
        this.carry = Buffer.alloc(0);
        return;
      }
      from = at + 1;
    }
    // A marker may start in the last marker.length - 1 bytes.
    const keep = Math.min(data.length, this.marker.length - 1);
    this.carry = atEnd ? Buffer.alloc(0) : Buffer.from(data.subarray(data.length - keep));
  }
}
