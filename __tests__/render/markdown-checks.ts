/**
 * Small models of how GitHub reads markdown, enough to check that rendered output stays inert:
 * code spans (CommonMark backtick runs, backslash escapes outside them), GFM table rows (a `|` not
 * escaped by a backslash splits cells, even inside code spans), and GitHub's text filters
 * (mentions, issue references, autolinks) that run on text outside code.
 */

/** Text of a line outside code spans; code span contents are returned apart. */
export function splitCode(line: string): { text: string; code: string[] } {
  let text = '';
  const code: string[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      text += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch !== '`') {
      text += ch;
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === '`') n++;
    // Find a closing run of exactly n backticks.
    let j = i + n;
    let close = -1;
    while (j < line.length) {
      if (line[j] !== '`') {
        j++;
        continue;
      }
      let m = 0;
      while (line[j + m] === '`') m++;
      if (m === n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close < 0) {
      text += line.slice(i, i + n);
      i += n;
    } else {
      let content = line.slice(i + n, close);
      if (content.length >= 2 && content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '')
        content = content.slice(1, -1);
      code.push(content);
      text += ' ';
      i = close + n;
    }
  }
  return { text, code };
}

/** Cells of a GFM table row: split at every `|` that no backslash escapes. */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < row.length; i++) {
    const ch = row[i]!;
    if (ch === '\\' && row[i + 1] === '|') {
      cur += '\\|';
      i++;
    } else if (ch === '|') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  // Leading and trailing pipes delimit, they do not make cells.
  if (row.trimStart().startsWith('|')) cells.shift();
  if (row.trimEnd().endsWith('|') && !row.trimEnd().endsWith('\\|')) cells.pop();
  return cells;
}

/** Every table in the markdown (runs of lines starting with `|`): the cell count of each row. */
export function tables(markdown: string): number[][] {
  const out: number[][] = [];
  let current: number[] | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      current ??= [];
      current.push(tableCells(line).length);
    } else if (current) {
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Our own HTML: the marker comment, details/summary/b/sub/code tags. Anything else is injected. */
const OWN_HTML =
  /<!-- image-changelog:[A-Za-z0-9._:/@+=-]* -->|<\/?(?:details|summary|b|sub|code)>|<details open>/g;

/** Problems GitHub would turn into markup, links or pings; empty when the markdown is inert. */
export function injectionProblems(markdown: string): string[] {
  const problems: string[] = [];
  for (const [n, raw] of markdown.split('\n').entries()) {
    const line = raw.replace(OWN_HTML, '');
    const where = `line ${n + 1}: ${raw.slice(0, 120)}`;
    if (/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(raw))
      problems.push(`control character, ${where}`);
    // A line starting with `<` opens an HTML block before any inline parsing.
    if (/^\s*</.test(line)) problems.push(`HTML block, ${where}`);
    const { text, code } = splitCode(line.replace(/^> \[!(?:CAUTION|WARNING|NOTE)\]$/, ''));
    // Outside code spans a `<` could open a tag or an autolink (inside them it is literal text).
    if (text.includes('<')) problems.push(`raw <, ${where}`);
    if (code.some((c) => /[\r\n]/.test(c))) problems.push(`newline in code, ${where}`);
    if (/(^|[^\w])@[A-Za-z0-9]/.test(text)) problems.push(`mention, ${where}`);
    // A numeric character reference (`&#126;`) is decoded to its character before GitHub's reference
    // filter reads the text node: its `#` and digits never form `#126`.
    if (/#\d/.test(text.replace(/&#\d{1,7};/g, ''))) problems.push(`issue reference, ${where}`);
    if (/GH-\d/i.test(text)) problems.push(`GH reference, ${where}`);
    if (/:\/\/|www\./i.test(text)) problems.push(`autolink, ${where}`);
    if (/(^|[^\\])(\\\\)*[[\]]/.test(text)) problems.push(`unescaped bracket, ${where}`);
    if (/(^|[^\\])(\\\\)*!\[/.test(text)) problems.push(`image, ${where}`);
  }
  return problems;
}
