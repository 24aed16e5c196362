/**
 * deb822 control stanzas as dpkg writes them in `var/lib/dpkg/status` and distroless
 * `status.d/*`: `Field: value` lines, continuation lines starting with a space or tab, stanzas
 * separated by blank lines. Field names are case-insensitive (kept lower-cased here).
 */

export interface ControlStanza {
  /** Field name (lower case) -> value; continuation lines follow the first line after a `\n`. */
  fields: Map<string, string>;
  /** 1-based line where the stanza starts, for problems. */
  line: number;
}

export interface ControlParse {
  stanzas: ControlStanza[];
  /** Lines that could not be understood, with their 1-based numbers. */
  errors: Array<{ line: number; message: string }>;
}

/** Syntax errors kept per file: a garbage file is reported, not listed line by line. */
const MAX_ERRORS = 20;

export function parseControlStanzas(text: string): ControlParse {
  const stanzas: ControlStanza[] = [];
  const errors: ControlParse['errors'] = [];
  let current: ControlStanza | undefined;
  let lastField: string | undefined;
  let errorCount = 0;
  const error = (line: number, message: string): void => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push({ line, message });
  };

  // Continuation lines are contiguous in the text: a field's are kept as one range [contStart,
  // contEnd) and turned into its value once, so a field of millions of short lines costs one string,
  // not millions (nor a rope of millions of concatenations).
  let contStart = -1;
  let contEnd = -1;
  const flushContinuation = (): void => {
    if (contStart < 0 || current === undefined || lastField === undefined) return;
    const tail = text
      .slice(contStart, contEnd)
      .replace(/\r?\n[ \t]/g, '\n')
      .replace(/\r$/, '');
    current.fields.set(lastField, `${current.fields.get(lastField) ?? ''}${tail}`);
    contStart = -1;
  };

  let lineNo = 0;
  for (let start = 0; start < text.length;) {
    if (text.charCodeAt(start) === 0x0a) {
      // A run of empty lines ends the stanza: skipped in one tight loop, no line string made
      // (150 million newlines: 7.8 s line by line, under a second this way).
      flushContinuation();
      current = undefined;
      lastField = undefined;
      let next = start;
      while (next < text.length && text.charCodeAt(next) === 0x0a) next++;
      lineNo += next - start;
      start = next;
      continue;
    }
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    start = end + 1;
    lineNo++;
    const first = text.charCodeAt(lineStart);
    if ((first === 0x20 || first === 0x09) && current !== undefined && lastField !== undefined) {
      if (text.slice(lineStart, end).trim() !== '') {
        if (contStart < 0) contStart = lineStart - 1;
        contEnd = end;
        continue;
      }
    }
    flushContinuation();
    const line = text.slice(lineStart, end > lineStart && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    if (line.trim() === '') {
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      error(lineNo, 'continuation line outside a field');
      continue;
    }
    if (line.startsWith('#')) continue; // deb822 allows comments; dpkg never writes them
    const colon = line.indexOf(':');
    if (colon <= 0) {
      error(lineNo, 'line is neither "Field: value" nor a continuation');
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!-9;-~]+$/.test(name)) {
      error(lineNo, 'invalid field name');
      continue;
    }
    if (!current) {
      current = { fields: new Map(), line: lineNo };
      stanzas.push(current);
    }
    current.fields.set(name, line.slice(colon + 1).trim());
    lastField = name;
  }
  flushContinuation();
  if (errorCount > errors.length) {
    errors.push({ line: 0, message: `${errorCount - errors.length} more syntax errors not listed` });
  }
  return { stanzas, errors };
}
