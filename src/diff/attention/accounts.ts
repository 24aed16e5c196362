import type { Account, Accounts, Group } from '../../catalog/accounts/accounts.js';
import type { AttentionItem } from '../types.js';
import { item, layerOf, type AttentionContext } from './context.js';

const NO_LOGIN = new Set([
  '/usr/sbin/nologin',
  '/sbin/nologin',
  '/bin/false',
  '/usr/bin/false',
  '/bin/nologin',
]);
/** Groups whose members can become root or read what root reads. */
const PRIVILEGED_GROUPS = new Set(['root', 'wheel', 'sudo', 'admin', 'docker', 'shadow', 'disk', 'adm']);

/** An empty shell field means /bin/sh to login(1). */
function canLogIn(user: Account): boolean {
  return !NO_LOGIN.has(user.shell);
}

function userFacts(user: Account): string[] {
  const facts = [`uid ${user.uid}`, `gid ${user.gid}`];
  if (canLogIn(user)) facts.push(`login shell ${user.shell || '/bin/sh'}`);
  facts.push(passwordFact(user.password));
  return facts;
}

function passwordFact(state: Account['password']): string {
  return state === 'hash'
    ? 'password hash set'
    : state === 'empty'
      ? 'empty password (no password needed)'
      : state === 'locked'
        ? 'password locked'
        : 'no password entry';
}

/** A usable password: a hash, or none needed at all. */
function hasPassword(user: Account): boolean {
  return user.password === 'hash' || user.password === 'empty';
}

function byName<T extends { name: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((x) => [x.name, x]));
}

/**
 * Users and groups added, removed or changed: a second uid 0, login shells, a password set or
 * cleared (never the hash), membership of privileged groups. On a first release only what is risky
 * in itself is listed (another uid 0, a usable password on a login account).
 */
export function accountAttention(ctx: AttentionContext): AttentionItem[] {
  const now = ctx.after.accounts;
  if (now === undefined) return [];
  const was: Accounts = ctx.before?.accounts ?? { users: [], groups: [], files: [] };
  const first = ctx.before === undefined;
  const fileLayer = (path: string) => layerOf(ctx.after, ctx.after.files.get(path)?.layer);
  const passwdLayer = fileLayer('etc/passwd');
  const shadowLayer = fileLayer('etc/shadow') ?? passwdLayer;
  const groupLayer = fileLayer('etc/group');
  const out: AttentionItem[] = [];
  const user = (name: string, fields: Omit<AttentionItem, 'kind' | 'where' | 'whereKind'>) =>
    out.push(item({ kind: 'account', where: name, whereKind: 'user', subtype: 'changed', ...fields }));

  const oldUsers = byName(was.users);
  const newUsers = byName(now.users);
  for (const u of now.users) {
    const old = oldUsers.get(u.name);
    if (old === undefined) {
      const rootTwin = u.uid === 0 && u.name !== 'root';
      const risky = rootTwin || (canLogIn(u) && hasPassword(u));
      if (first && !risky) continue;
      user(u.name, {
        subtype: 'added',
        severity: risky ? 'high' : canLogIn(u) ? 'medium' : 'low',
        what: rootTwin ? 'user added with uid 0' : 'user added',
        details: userFacts(u),
        why: rootTwin
          ? 'a second name for root: it has every privilege'
          : hasPassword(u) && canLogIn(u)
            ? 'an account that can log in with a password'
            : 'a new identity processes can run as',
        ...(u.password !== 'none' ? { layer: shadowLayer } : passwdLayer ? { layer: passwdLayer } : {}),
      });
      continue;
    }
    if (old.uid !== u.uid && u.uid === 0)
      user(u.name, {
        severity: 'high',
        what: 'user now has uid 0',
        details: [`uid ${old.uid} → 0`],
        why: 'the account became root',
        ...(passwdLayer ? { layer: passwdLayer } : {}),
      });
    if (old.password !== u.password && (hasPassword(u) || hasPassword(old)))
      user(u.name, {
        severity: hasPassword(u) ? 'high' : 'medium',
        what: hasPassword(u)
          ? u.password === 'empty'
            ? 'password removed (none needed)'
            : 'password set'
          : 'password cleared',
        details: [`${passwordFact(old.password)} → ${passwordFact(u.password)}`],
        why: hasPassword(u)
          ? 'the account can now be logged in to with a password'
          : 'the account can no longer be logged in to with a password',
        ...(shadowLayer ? { layer: shadowLayer } : {}),
      });
    if (canLogIn(old) !== canLogIn(u) || (canLogIn(u) && old.shell !== u.shell))
      user(u.name, {
        severity: canLogIn(u) && !canLogIn(old) ? 'medium' : 'low',
        what: 'login shell changed',
        details: [`${old.shell || '/bin/sh'} → ${u.shell || '/bin/sh'}`],
        why: canLogIn(u) ? 'the account can run an interactive shell' : 'the account can no longer log in',
        ...(passwdLayer ? { layer: passwdLayer } : {}),
      });
  }
  if (!first) {
    for (const u of was.users) {
      if (newUsers.has(u.name)) continue;
      user(u.name, {
        subtype: 'removed',
        severity: 'low',
        what: 'user removed',
        details: [`uid ${u.uid}`],
        why: 'files it owned now belong to a bare uid, and services running as it will not start',
        ...(passwdLayer ? { layer: passwdLayer } : {}),
      });
    }
  }
  out.push(...groupAttention(was.groups, now.groups, first, groupLayer));
  return out;
}

function groupAttention(
  was: readonly Group[],
  now: readonly Group[],
  first: boolean,
  layer: AttentionItem['layer'],
): AttentionItem[] {
  const out: AttentionItem[] = [];
  const old = byName(was);
  const fresh = byName(now);
  const group = (name: string, fields: Omit<AttentionItem, 'kind' | 'where' | 'whereKind'>) =>
    out.push(
      item({
        kind: 'group',
        where: name,
        whereKind: 'group',
        subtype: 'changed',
        ...fields,
        ...(layer ? { layer } : {}),
      }),
    );
  for (const g of now) {
    const before = old.get(g.name);
    const privileged = PRIVILEGED_GROUPS.has(g.name) || g.gid === 0;
    const joined = g.members.filter((m) => !(before?.members ?? []).includes(m));
    if (before === undefined && !first) {
      group(g.name, {
        subtype: 'added',
        severity: g.gid === 0 ? 'high' : 'low',
        what: g.gid === 0 ? 'group added with gid 0' : 'group added',
        details: [`gid ${g.gid}`, ...(g.members.length > 0 ? [`members ${g.members.join(', ')}`] : [])],
        why: g.gid === 0 ? "a second name for root's group" : 'a new group processes can run as',
      });
      continue;
    }
    if (privileged && joined.length > 0)
      group(g.name, {
        severity: 'high',
        what: 'members added to a privileged group',
        details: [`members ${joined.join(', ')}`],
        why: 'members of this group can act as root or read what only root reads',
      });
  }
  if (!first) {
    for (const g of was) {
      if (fresh.has(g.name)) continue;
      group(g.name, {
        subtype: 'removed',
        severity: 'low',
        what: 'group removed',
        details: [`gid ${g.gid}`],
        why: 'files it owned now belong to a bare gid',
      });
    }
  }
  return out;
}
