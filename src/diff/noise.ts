import { globMatcher } from '../util/glob.js';
import type { FileChange, FileFold } from './types.js';

/**
 * Derived noise: non-packaged paths a tool rebuilds from what the packages installed, so that one
 * real change (a package that brings 142 CA certificates, a new busybox) does not bury the list under
 * hundreds of rows. Each group becomes one row that says what it is and how many paths it holds; the
 * JSON report keeps every path, marked with the fold it belongs to.
 *
 * - Trust store: `update-ca-certificates` (Debian, Alpine) links every certificate into etc/ssl/certs
 *   by name (`*.pem`) and by subject hash (`<8 hex>.N`, `.rN` for CRLs) and concatenates them into
 *   bundles; RHEL's update-ca-trust writes etc/pki/ca-trust/extracted. The certificates themselves
 *   (usr/share/ca-certificates, a package's files, or usr/local/share/ca-certificates) stay rows.
 * - Caches rebuilt by triggers (ldconfig, localedef, update-mime-database, glib, gdk-pixbuf, install-info).
 * - Hardlinks: every name of one content changes together (busybox: ~400 names of one binary), so
 *   they are one row under the name they link to.
 */

/** A certificate's subject-hash link (`9d04f354.0`), or a CRL's (`.r0`). */
const HASH_LINK = /^etc\/ssl\/certs\/[0-9a-f]{8}\.r?\d+$/;
/** A certificate linked by name directly in etc/ssl/certs. */
const NAME_LINK = /^etc\/ssl\/certs\/[^/]+\.(?:pem|crt)$/;
const TRUST_BUNDLES = globMatcher([
  'etc/ssl/certs/ca-certificates.crt',
  'etc/ssl/certs/java/cacerts',
  'etc/ssl/cert.pem',
  'etc/ssl/ca-bundle.pem',
  'etc/pki/ca-trust/extracted/**',
  'etc/pki/tls/certs/ca-bundle.crt',
  'etc/pki/tls/certs/ca-bundle.trust.crt',
  'var/lib/ca-certificates/**',
]);
const CACHES = globMatcher([
  'etc/ld.so.cache',
  'usr/lib/locale/locale-archive',
  'usr/share/mime/mime.cache',
  'usr/share/mime/*/*.xml',
  'usr/share/mime/{aliases,generic-icons,globs,globs2,icons,magic,subclasses,treemagic,types,XMLnamespaces,version}',
  'usr/share/icons/*/icon-theme.cache',
  'usr/share/glib-2.0/schemas/gschemas.compiled',
  'usr/lib/*/gdk-pixbuf-2.0/*/loaders.cache',
  'usr/lib/*/gio/modules/giomodule.cache',
  'usr/share/info/dir',
]);

/** The MIME database's sources (a package's or the admin's own definitions), from which the rest is built. */
const MIME_SOURCES = 'usr/share/mime/packages/';

/** Where update-ca-certificates and friends keep their derived files, named on the trust-store row. */
export const TRUST_STORE_PATH = 'etc/ssl/certs';

function stateOf(c: FileChange) {
  return c.after ?? c.before;
}

function isTrustStore(c: FileChange): 'hash' | 'name' | 'bundle' | undefined {
  const s = stateOf(c);
  if (s === undefined || s.type === 'dir') return undefined;
  if (HASH_LINK.test(c.path)) return 'hash';
  if (NAME_LINK.test(c.path) && s.type === 'symlink') return 'name';
  if (TRUST_BUNDLES(c.path)) return 'bundle';
  return undefined;
}

/** The name a hardlink's content is filed under: its link target, or the path itself for the target. */
function hardlinkTarget(c: FileChange): string | undefined {
  const s = stateOf(c);
  return s?.type === 'hardlink' && s.link !== undefined && s.link !== '' ? s.link : undefined;
}

function sizeDelta(c: FileChange): number {
  return Math.abs((c.after?.size ?? 0) - (c.before?.size ?? 0));
}

function emptyFold(id: string, kind: FileFold['kind'], path: string): FileFold {
  return { id, kind, path, paths: 0, added: 0, removed: 0, modified: 0, bytes: 0 };
}

function count(fold: FileFold, c: FileChange): void {
  fold.paths++;
  if (c.kind === 'added') fold.added++;
  else if (c.kind === 'removed') fold.removed++;
  else fold.modified++;
  fold.bytes += sizeDelta(c);
  c.fold = fold.id;
}

/**
 * Groups the derived noise among `changes` (the non-packaged, non-excluded ones), marks each folded
 * change with its fold's id, and returns the folds, trust store first, then caches, then hardlink
 * groups by target. A hardlink group needs two names at least; a trust store or a cache is one row
 * even alone (its row says it is derived).
 */
export function foldNoise(changes: readonly FileChange[]): FileFold[] {
  const trust = emptyFold('trust-store', 'trust-store', TRUST_STORE_PATH);
  const certificates = {
    hash: { added: 0, removed: 0, changed: 0 },
    name: { added: 0, removed: 0, changed: 0 },
  };
  const bundles: string[] = [];
  const cache = emptyFold('caches', 'caches', '');
  const cachePaths: string[] = [];
  const rest: FileChange[] = [];
  for (const c of changes) {
    const t = isTrustStore(c);
    if (t !== undefined) {
      count(trust, c);
      if (t === 'bundle') bundles.push(c.path);
      else {
        const tally = certificates[t];
        if (c.kind === 'added') tally.added++;
        else if (c.kind === 'removed') tally.removed++;
        else tally.changed++;
      }
    } else if (CACHES(c.path) && !c.path.startsWith(MIME_SOURCES) && stateOf(c)?.type !== 'dir') {
      count(cache, c);
      cachePaths.push(c.path);
    } else rest.push(c);
  }
  const folds: FileFold[] = [];
  if (trust.paths > 0) {
    // Every certificate has one hash link (two certificates with one subject hash get .0 and .1); the
    // name links count them when a store has no hash links.
    const byHash = certificates.hash;
    const tally = byHash.added + byHash.removed + byHash.changed > 0 ? byHash : certificates.name;
    folds.push({ ...trust, certificates: tally, members: bundles });
  }
  if (cache.paths > 0) folds.push({ ...cache, members: cachePaths });

  const byTarget = new Map<string, FileChange[]>();
  for (const c of rest) {
    const target = hardlinkTarget(c);
    if (target === undefined) continue;
    const links = byTarget.get(target);
    if (links) links.push(c);
    else byTarget.set(target, [c]);
  }
  const targets = new Map(rest.map((c) => [c.path, c]));
  for (const [target, links] of [...byTarget].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const own = targets.get(target);
    const group = own !== undefined && own.fold === undefined ? [own, ...links] : links;
    if (group.length < 2) continue;
    const fold = emptyFold(`hardlinks:${target}`, 'hardlinks', target);
    for (const c of group) count(fold, c);
    folds.push(fold);
  }
  return folds;
}
