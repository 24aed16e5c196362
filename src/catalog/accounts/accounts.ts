/**
 * Users and groups from `etc/passwd`, `etc/group` and `etc/shadow`. Only the state of a password is
 * kept (a hash set, locked, empty, or no shadow entry): a hash never leaves this module.
 */
export const ACCOUNT_FILES = ['etc/passwd', 'etc/group', 'etc/shadow'] as const;
export const ACCOUNT_GLOBS: readonly string[] = [...ACCOUNT_FILES];

/** `hash`: a usable password hash; `locked`: `!`/`*` prefixed or `*`; `empty`: no password needed. */
export type PasswordState = 'hash' | 'locked' | 'empty' | 'none';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  password: PasswordState;
}

export interface Group {
  name: string;
  gid: number;
  members: string[];
}

export interface Accounts {
  users: Account[];
  groups: Group[];
  /** Which of the three files the image has (an image without etc/passwd has no account facts). */
  files: string[];
}

/** Lines kept per file: a hostile file of a million lines is not a list of users. */
const MAX_LINES = 10_000;

function lines(content: Buffer | undefined): string[][] {
  if (content === undefined) return [];
  const out: string[][] = [];
  let start = 0;
  const text = content.toString('utf8');
  while (start < text.length && out.length < MAX_LINES) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    out.push(line.split(':'));
  }
  return out;
}

function number(field: string | undefined): number {
  return field !== undefined && /^\d{1,10}$/.test(field) ? Number(field) : -1;
}

/** The state of a password field (passwd's or shadow's), never the field itself. */
export function passwordState(field: string | undefined): PasswordState {
  if (field === undefined) return 'none';
  if (field === '') return 'empty';
  if (field.startsWith('!') || field.startsWith('*')) return 'locked';
  return 'hash';
}

/** The accounts of an image (undefined when it has none of the three files). */
export function readAccounts(ctx: {
  file(path: string): { content: Buffer } | undefined;
}): Accounts | undefined {
  const passwd = ctx.file('etc/passwd')?.content;
  const group = ctx.file('etc/group')?.content;
  const shadow = ctx.file('etc/shadow')?.content;
  const files = ACCOUNT_FILES.filter((f) => ctx.file(f) !== undefined);
  if (files.length === 0) return undefined;
  const shadowed = new Map<string, PasswordState>();
  for (const f of lines(shadow)) if (f[0] !== undefined) shadowed.set(f[0], passwordState(f[1]));
  const users: Account[] = [];
  for (const f of lines(passwd)) {
    const name = f[0] ?? '';
    if (name === '' || name.startsWith('+') || name.startsWith('-')) continue; // NIS markers
    // `x` in passwd defers to shadow; anything else is the (old-style) hash or state itself.
    const password = f[1] === 'x' ? (shadowed.get(name) ?? 'none') : passwordState(f[1]);
    users.push({ name, uid: number(f[2]), gid: number(f[3]), home: f[5] ?? '', shell: f[6] ?? '', password });
  }
  const groups: Group[] = [];
  for (const f of lines(group)) {
    const name = f[0] ?? '';
    if (name === '' || name.startsWith('+') || name.startsWith('-')) continue;
    const members = (f[3] ?? '').split(',').filter((m) => m !== '');
    groups.push({ name, gid: number(f[2]), members });
  }
  return { users, groups, files };
}
