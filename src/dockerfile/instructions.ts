import { ImageChangelogError } from '../util/errors.js';

/** One Dockerfile instruction, its continuation lines joined and its comments dropped. */
export interface Instruction {
  /** Upper case: `FROM`, `ARG`, `RUN`, ... */
  keyword: string;
  /** Everything after the keyword, continuations joined, leading and trailing blanks trimmed. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface ParsedDockerfile {
  /** The escape character: `\` unless an `# escape=` directive says `` ` ``. */
  escape: string;
  instructions: Instruction[];
}

/** Larger files are not Dockerfiles anyone writes by hand; refusing them bounds the work. */
export const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;

export function dockerfileError(
  path: string,
  line: number | undefined,
  message: string,
): ImageChangelogError {
  const where = line === undefined ? path : `${path}:${line}`;
  return new ImageChangelogError('DOCKERFILE_INVALID', `${where}: ${message}`, {
    subject: path,
    hint: 'fix the Dockerfile; docker build would refuse it too',
  });
}

const DIRECTIVE = /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/;
const KEYWORD = /^([A-Za-z][A-Za-z0-9]*)(?:\s+|$)/;
/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` at the start of a word. */
const HEREDOC = /(?:^|\s)<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/**
 * Split a Dockerfile into instructions the way BuildKit's parser does: parser directives only at the
 * very top, comment lines dropped (also inside continuations), a line ending in the escape character
 * continued on the next, and heredoc bodies of RUN/COPY/ADD skipped so their lines are never taken for
 * instructions. Only the instruction boundaries matter here; the arguments stay raw text.
 */
export function parseInstructions(text: string, path: string): ParsedDockerfile {
  if (text.length > MAX_DOCKERFILE_BYTES)
    throw dockerfileError(path, undefined, `larger than ${MAX_DOCKERFILE_BYTES} bytes`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  let i = 0;
  // Parser directives: `# name=value` lines before anything else; any other line ends them.
  const seen = new Set<string>();
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!.trim());
    if (!m) break;
    const name = m[1]!.toLowerCase();
    if (seen.has(name)) break; // a repeated directive is an ordinary comment
    seen.add(name);
    if (name === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`')
        throw dockerfileError(path, i + 1, `invalid escape directive '${m[2]}': use \\ or \``);
      escape = m[2];
    }
  }
  const continued = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const instructions: Instruction[] = [];
  while (i < lines.length) {
    const first = lines[i]!;
    const start = i + 1;
    i++;
    if (isBlankOrComment(first)) continue;
    let joined = '';
    let line = first;
    for (;;) {
      if (continued.test(line)) {
        joined += line.replace(continued, '');
        // Comment and empty lines inside a continuation are skipped, as BuildKit does.
        while (i < lines.length && isBlankOrComment(lines[i]!)) i++;
        if (i >= lines.length) break;
        line = lines[i]!;
        i++;
        continue;
      }
      joined += line;
      break;
    }
    const trimmed = joined.trim();
    const k = KEYWORD.exec(trimmed);
    if (!k) throw dockerfileError(path, start, `cannot read '${clip(trimmed)}' as an instruction`);
    const keyword = k[1]!.toUpperCase();
    instructions.push({ keyword, args: trimmed.slice(k[0].length).trim(), line: start });
    if (HEREDOC_KEYWORDS.has(keyword)) i = skipHeredocs(trimmed, lines, i, path, start);
  }
  return { escape, instructions };
}

function isBlankOrComment(line: string): boolean {
  const t = line.trimStart();
  return t === '' || t.startsWith('#');
}

/** Skip the bodies of every heredoc the instruction opens, in order; returns the next line index. */
function skipHeredocs(
  instruction: string,
  lines: string[],
  from: number,
  path: string,
  start: number,
): number {
  let i = from;
  for (const m of instruction.matchAll(HEREDOC)) {
    const stripTabs = m[1] === '-';
    const word = m[3]!;
    for (;;) {
      if (i >= lines.length) throw dockerfileError(path, start, `heredoc '${word}' is never closed`);
      const body = lines[i]!;
      i++;
      if ((stripTabs ? body.replace(/^\t+/, '') : body) === word) break;
    }
  }
  return i;
}

export function clip(text: string, max = 80): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
