import { secretKindsFromPath, secretKindsOf } from '../../catalog/probes/secret-kinds.js';
import type { AttentionItem, FileChange } from '../types.js';
import { item, layerOf, type AttentionContext } from './context.js';

const SETUID = 0o4000;
const SETGID = 0o2000;
const STICKY = 0o1000;
const OTHERS_WRITE = 0o002;

function isRegular(type: string | undefined): boolean {
  return type === 'file' || type === 'hardlink';
}

/** `package openssl` for a packaged path, `not from a package` otherwise. */
function origin(change: FileChange): string {
  return change.ownership === 'package' && change.owners.length > 0
    ? `package ${change.owners.map((o) => o.name).join(', ')}`
    : 'not from a package';
}

/** Writable by anyone, and not a sticky directory (where only owners may delete: like tmp). */
function worldWritable(type: string, mode: number): boolean {
  if (type === 'symlink' || (mode & OTHERS_WRITE) === 0) return false;
  return !(type === 'dir' && (mode & STICKY) !== 0);
}

/**
 * Items from the changed paths: secrets, setuid/setgid gained, file capabilities gained, changed or
 * lost, world-writable paths added, package files that no longer match their package.
 */
export function fileAttention(ctx: AttentionContext): AttentionItem[] {
  const out: AttentionItem[] = [];
  for (const change of ctx.changes.files) {
    if (change.excluded === true) continue;
    const a = change.after;
    const b = change.before;
    const layer = a ? layerOf(ctx.after, a.layer) : undefined;
    const where = { where: change.path, whereKind: 'path' as const, ...(layer ? { layer } : {}) };
    const packaged = change.ownership === 'package';

    if (a && isRegular(a.type) && (change.kind === 'added' || change.kind === 'modified') && a.size > 0) {
      const entry = ctx.after.files.get(change.path);
      const kinds = [
        ...new Set([...secretKindsOf(entry?.probes), ...secretKindsFromPath(change.path)]),
      ].sort();
      if (kinds.length > 0)
        out.push(
          item({
            kind: 'secret',
            severity: packaged ? 'medium' : 'high',
            what: change.kind === 'added' ? 'secret in an added file' : 'secret in a changed file',
            ...where,
            details: [...kinds, origin(change)],
            why: 'everybody who pulls the image can read it (the value is not shown here)',
          }),
        );
    }

    if (a && isRegular(a.type)) {
      for (const [bit, kind, name] of [
        [SETUID, 'setuid', 'setuid'],
        [SETGID, 'setgid', 'setgid'],
      ] as const) {
        if ((a.mode & bit) === 0 || (b !== undefined && isRegular(b.type) && (b.mode & bit) !== 0)) continue;
        out.push(
          item({
            kind,
            severity: packaged ? 'medium' : 'high',
            what: b === undefined ? `${name} file added` : `${name} gained`,
            ...where,
            details: [origin(change)],
            why:
              kind === 'setuid'
                ? "runs with its owner's privileges (usually root) whoever starts it"
                : "runs with its group's privileges whoever starts it",
          }),
        );
      }
    }

    const capsBefore = b?.capabilities;
    const capsAfter = a?.capabilities;
    if (
      capsBefore !== capsAfter &&
      (capsAfter !== undefined || (capsBefore !== undefined && a !== undefined))
    ) {
      const what =
        capsBefore === undefined
          ? 'file capability gained'
          : capsAfter === undefined
            ? 'file capability removed'
            : 'file capability changed';
      out.push(
        item({
          kind: 'capability',
          severity: capsAfter === undefined ? 'low' : 'high',
          what,
          ...where,
          details: [
            capsBefore !== undefined && capsAfter !== undefined
              ? `${capsBefore} → ${capsAfter}`
              : (capsAfter ?? capsBefore ?? ''),
            origin(change),
          ],
          why:
            capsAfter === undefined
              ? 'the program no longer gets these privileges when it starts'
              : 'the program gets these root privileges whoever starts it',
        }),
      );
    }

    if (a && worldWritable(a.type, a.mode) && (b === undefined || !worldWritable(b.type, b.mode))) {
      out.push(
        item({
          kind: 'world-writable',
          severity: packaged ? 'medium' : 'high',
          what:
            a.type === 'dir'
              ? b === undefined
                ? 'world-writable directory added (no sticky bit)'
                : 'directory became world-writable (no sticky bit)'
              : b === undefined
                ? 'world-writable file added'
                : 'file became world-writable',
          ...where,
          details: [`mode ${(a.mode & 0o7777).toString(8).padStart(4, '0')}`, origin(change)],
          why:
            a.type === 'dir'
              ? 'any user in the container can add, replace or delete files in it'
              : 'any user in the container can change it',
        }),
      );
    }

    if (a && change.modifiedAfterInstall === true && packaged) {
      out.push(
        item({
          kind: 'modified-package-file',
          severity: 'medium',
          what: 'package file modified after install',
          ...where,
          details: [origin(change)],
          why: 'it is not what the package shipped: a hand edit, or tampering',
        }),
      );
    }
  }
  return out;
}
