import { posix } from 'node:path';
import type { CatalogContext, OsRelease } from '../types.js';

/**
 * OS identity from os-release(5). `etc/os-release` wins; `usr/lib/os-release` is the vendor copy and
 * the fallback (on Debian and most others `etc/os-release` is a symlink to it, which is followed).
 */
export const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release'] as const;

/** Globs the layer reader must capture for findOsRelease. */
export const OS_RELEASE_GLOBS: readonly string[] = [...OS_RELEASE_PATHS];

/** More than any real os-release has; keeps a hostile file from costing time. */
const MAX_LINES = 1000;

/**
 * Parse os-release text: `KEY=value` lines, `#` comments, values unquoted or in single or double
 * quotes, with shell escapes (`\"`, `\\`, `\$`, `` \` ``) inside double quotes and unquoted values.
 * Malformed lines are skipped. ID defaults to `linux`, as os-release(5) says.
 */
export function parseOsRelease(text: string, path: string): OsRelease {
  const fields = new Map<string, string>();
  const lines = text.split(/\r?\n/, MAX_LINES);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const value = unquote(m[2] ?? '');
    if (value !== undefined) fields.set(m[1] ?? '', value);
  }
  const out: OsRelease = { id: fields.get('ID') || 'linux', path };
  const versionId = fields.get('VERSION_ID');
  const prettyName = fields.get('PRETTY_NAME');
  const codename = fields.get('VERSION_CODENAME');
  const idLike = fields.get('ID_LIKE');
  if (versionId) out.versionId = versionId;
  if (prettyName) out.prettyName = prettyName;
  if (codename) out.versionCodename = codename;
  if (idLike) out.idLike = idLike.split(/\s+/).filter((x) => x !== '');
  return out;
}

/** A shell-style value: quoted parts and escapes joined; undefined when a quote is left open. */
function unquote(value: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value.charAt(i);
    if (c === "'") {
      const end = value.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += value.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < value.length) {
        const d = value.charAt(i);
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && '"\\$`'.includes(value.charAt(i + 1)) && i + 1 < value.length) {
          out += value.charAt(i + 1);
          i += 2;
        } else {
          out += d;
          i++;
        }
      }
      if (!closed) return undefined;
    } else if (c === '\\' && i + 1 < value.length) {
      out += value.charAt(i + 1);
      i += 2;
    } else if (c === '#' || /\s/.test(c)) {
      break; // an unquoted comment or word break ends the value
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The image's OS identity, or undefined when it has no os-release file. */
export function findOsRelease(ctx: CatalogContext): OsRelease | undefined {
  for (const path of OS_RELEASE_PATHS) {
    const found = readResolved(ctx, path);
    if (found) return parseOsRelease(found.content.toString('utf8'), path);
  }
  return undefined;
}

/** Symlink hops followed before giving up (a loop, or a hostile chain). */
const MAX_HOPS = 16;

/**
 * Read a captured file, following symlinks in the tree (e.g. `etc/os-release` ->
 * `../usr/lib/os-release`), including a symlinked parent directory. Returns the content and the
 * path it was finally read from, or undefined when nothing captured is there.
 */
export function readResolved(
  ctx: CatalogContext,
  path: string,
): { content: Buffer; path: string } | undefined {
  let current = path;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const file = ctx.file(current);
    if (file) return { content: file.content, path: current };
    const next = resolveOnce(ctx, current);
    if (next === undefined || next === current) return undefined;
    current = next;
  }
  return undefined;
}

/** Replace the first symlink component of `path` with its target; undefined when there is none. */
function resolveOnce(ctx: CatalogContext, path: string): string | undefined {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    const entry = ctx.tree.entries.get(prefix);
    if (entry?.type !== 'symlink' || entry.link === undefined) continue;
    const base = entry.link.startsWith('/') ? '/' : posix.dirname('/' + prefix);
    const target = posix.normalize(posix.join(base, entry.link, ...parts.slice(i))).replace(/^\/+/, '');
    return target;
  }
  return undefined;
}
