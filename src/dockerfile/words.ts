/**
 * The bits of BuildKit's shell lexer that FROM and ARG need: split arguments into words (quotes keep
 * blanks inside a word), then expand each word (quotes removed, `$VAR`, `${VAR}` and the `${VAR:-x}`
 * family substituted, the escape character taking the next one literally). A word expands to one string:
 * there is no field splitting, as in Docker.
 */

/** Raw words of an argument string: split on unquoted blanks, quotes and escapes left in place. */
export function splitWords(args: string, escape: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote === undefined && /\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    word += c;
    if (c === escape && quote !== "'" && i + 1 < args.length) {
      word += args[++i];
      continue;
    }
    if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
  }
  if (quote !== undefined) throw new WordError(`unmatched ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** A word the lexer cannot read, or a variable form it does not support; the caller adds the place. */
export class WordError extends Error {}

/** Variables visible to an expansion: undefined means unset (not the same as empty for `${X-y}`). */
export type Lookup = (name: string) => string | undefined;

/** Expand one raw word: quotes removed, variables substituted. */
export function expandWord(word: string, lookup: Lookup, escape: string): string {
  return new Expander(word, lookup, escape).word();
}

class Expander {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly lookup: Lookup,
    private readonly escape: string,
  ) {}

  /** Until the end, or (inside `${...}`) until the closing brace, which is not consumed. */
  word(stopAtBrace = false): string {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (stopAtBrace && c === '}') return out;
      if (c === this.escape) {
        this.i++;
        if (this.i < this.s.length) out += this.s[this.i++];
        else out += c;
      } else if (c === "'") {
        const end = this.s.indexOf("'", this.i + 1);
        if (end < 0) throw new WordError("unmatched ' quote");
        out += this.s.slice(this.i + 1, end);
        this.i = end + 1;
      } else if (c === '"') {
        this.i++;
        out += this.doubleQuoted();
      } else if (c === '$') {
        out += this.variable();
      } else {
        out += c;
        this.i++;
      }
    }
    if (stopAtBrace) throw new WordError('missing } in a ${...} substitution');
    return out;
  }

  private doubleQuoted(): string {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === this.escape && this.i + 1 < this.s.length) {
        const next = this.s[this.i + 1]!;
        // In double quotes the escape only takes away the meaning of ", $ and itself.
        out += next === '"' || next === '$' || next === this.escape ? next : c + next;
        this.i += 2;
      } else if (c === '$') {
        out += this.variable();
      } else {
        out += c;
        this.i++;
      }
    }
    throw new WordError('unmatched " quote');
  }

  /** At a `$`: `$NAME`, `${NAME}`, `${NAME<op>word}`, or a literal `$`. */
  private variable(): string {
    const rest = this.s.slice(this.i + 1);
    const simple = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (simple) {
      this.i += 1 + simple[0].length;
      return this.lookup(simple[0]) ?? '';
    }
    if (!rest.startsWith('{')) {
      this.i++;
      return '$';
    }
    this.i += 2;
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    if (name === undefined)
      throw new WordError(`bad substitution '${this.s.slice(this.i - 2, this.i + 10)}'`);
    this.i += name.length;
    const value = this.lookup(name);
    if (this.i >= this.s.length) throw new WordError('missing } in a ${...} substitution');
    if (this.s[this.i] === '}') {
      this.i++;
      return value ?? '';
    }
    const op = /^(:?[-+?])/.exec(this.s.slice(this.i))?.[1];
    if (op === undefined) {
      throw new WordError(
        `unsupported substitution '\${${name}${this.s.slice(this.i, this.i + 2)}…}': use \${${name}}, \${${name}:-default} or \${${name}:+alternative}`,
      );
    }
    this.i += op.length;
    const word = this.word(true);
    this.i++; // the closing brace
    const unset = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
    switch (op.replace(':', '')) {
      case '-':
        return unset ? word : value!;
      case '+':
        return unset ? '' : word;
      default:
        if (unset) throw new WordError(`${name}: ${word || 'is not set'}`);
        return value!;
    }
  }
}
