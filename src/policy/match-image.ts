import type { Inventory, OsRelease } from '../catalog/types.js';
import type { Changes, SettingChange } from '../diff/types.js';
import { formatBytes } from './describe.js';
import type { ImageRule } from './model.js';
import { compareOsVersions } from '../diff/os-release-change.js';
import { isRootUser } from '../diff/root-user.js';
import { osMajorUpgrade } from './match-packages.js';
import { isSecretKey } from './secret-keys.js';
import type { Violation } from './types.js';

/** Violations of an image rule; each check given reports on its own. */
export function imageViolations(rule: ImageRule, changes: Changes, after: Inventory): Violation[] {
  const { match } = rule;
  const out: Violation[] = [];
  const report = (subject: string, message: string): void => {
    out.push({ rule: rule.id, action: rule.action, subject, message });
  };
  const user = after.config.config?.User ?? '';
  const before = changes.before;

  if (match.runsAsRoot === true && isRootUser(user))
    report('user', `the image runs as root (${describeUser(user)})`);
  if (match.switchedToRoot === true && before !== undefined && !isRootUser(before.user) && isRootUser(user)) {
    report('user', `the image switched from user "${before.user}" to root (${describeUser(user)})`);
  }
  if (match.newPorts === true) {
    for (const port of newPorts(changes, after))
      report(`port:${port}`, `the image exposes a new port ${port}`);
  }
  if (match.secretEnv === true) {
    for (const key of newSecretEnvKeys(changes, after)) {
      report(
        `env.${key}`,
        `environment variable ${key} looks like a secret and was set in this image (its value is not shown)`,
      );
    }
  }
  const growth = match.sizeGrowth;
  if (growth !== undefined && before !== undefined) {
    const old = before.summary.uncompressedSize;
    const now = after.image.uncompressedSize;
    const bytes = now - old;
    const percent = old > 0 ? (bytes / old) * 100 : Infinity;
    if (
      bytes > 0 &&
      (growth.percent === undefined || percent > growth.percent) &&
      (growth.bytes === undefined || bytes > growth.bytes)
    ) {
      const pct = Number.isFinite(percent) ? ` (+${percent.toFixed(1)}%)` : '';
      report(
        'size',
        `the image grew by ${formatBytes(bytes)}${pct}: ${formatBytes(old)} → ${formatBytes(now)} uncompressed`,
      );
    }
  }
  if (match.maxLayers !== undefined && after.image.layers.length > match.maxLayers) {
    report('layers', `the image has ${after.image.layers.length} layers, more than ${match.maxLayers}`);
  }
  if (before !== undefined) {
    const [was, now] = [before.os, after.os];
    if (match.osChanged === true && (was?.id ?? '') !== (now?.id ?? '')) {
      report('os', `the base distribution changed: ${describeOs(was)} → ${describeOs(now)}`);
    }
    if (match.osVersionDecreased === true && was !== undefined && now !== undefined && was.id === now.id) {
      if (
        was.versionId !== undefined &&
        now.versionId !== undefined &&
        compareOsVersions(now.versionId, was.versionId) < 0
      ) {
        report('os.version', `the base distribution went back from ${describeOs(was)} to ${describeOs(now)}`);
      }
    }
  }
  for (const a of changes.attention) {
    const where = a.whereKind === 'path' ? a.where : `${a.whereKind === 'user' ? 'user:' : ''}${a.where}`;
    if (match.capabilityAdded === true && a.kind === 'capability' && a.what !== 'file capability removed')
      report(where, `${a.where}: ${a.what} (${a.details[0] ?? ''})`);
    if (match.usersAdded === true && a.kind === 'account' && a.subtype === 'added')
      report(where, `user ${a.where} was added (${a.details.join(', ')})`);
    if (match.usersRemoved === true && a.kind === 'account' && a.subtype === 'removed')
      report(where, `user ${a.where} was removed`);
    if (match.entrypointMissing === true && a.kind === 'entrypoint')
      report(a.where, `${a.what}: ${a.details.join(', ')}`);
    if (
      match.toolClassAdded !== undefined &&
      a.kind === 'tool' &&
      (match.toolClassAdded as readonly string[]).includes(a.subtype ?? '')
    )
      report(where, `${a.what}: ${a.details.join(', ')}`);
  }
  if (match.osMajorUpgrade === true && osMajorUpgrade(changes)) {
    report(
      'os',
      `the base OS moved to a new major release: ${changes.osRelease?.before ?? ''} → ${changes.osRelease?.after ?? ''}`,
    );
  }
  const labels = after.config.config?.Labels ?? {};
  for (const label of match.requiredLabels ?? []) {
    const value = labels[label];
    if (value === undefined || value === '') report(`label.${label}`, `required label ${label} is missing`);
  }
  return out;
}

function describeUser(user: string): string {
  return user.trim() === '' ? 'no USER set' : `USER ${user}`;
}

function describeOs(os: OsRelease | undefined): string {
  if (os === undefined) return 'unknown';
  return os.versionId !== undefined ? `${os.id} ${os.versionId}` : os.id;
}

/** `8080` and `8080/tcp` are the same port. */
function normalisePort(port: string): string {
  return port.includes('/') ? port.toLowerCase() : `${port}/tcp`;
}

function portsIn(text: string | undefined): string[] {
  return (text ?? '').match(/\d+(?:-\d+)?(?:\/[a-z]+)?/gi)?.map(normalisePort) ?? [];
}

/**
 * Ports of the new image not exposed by the previous one. The new image's ports come from its config;
 * the previous one's from the `ports` setting change (no change: the same ports; first release: none).
 */
function newPorts(changes: Changes, after: Inventory): string[] {
  const now = Object.keys(after.config.config?.ExposedPorts ?? {}).map(normalisePort);
  if (changes.before === undefined) return [...new Set(now)].sort();
  const settings = portSettings(changes.settings);
  if (settings.length === 0) return [];
  const previous = new Set<string>();
  for (const s of settings) {
    const single = /^ports?\.(.+)$/.exec(s.key)?.[1];
    if (single !== undefined) {
      if (s.before !== undefined) previous.add(normalisePort(single));
    } else for (const p of portsIn(s.before)) previous.add(p);
  }
  // A port named only by per-port keys and unchanged has no setting change: it existed before.
  if (settings.every((s) => s.key !== 'ports')) {
    const changed = new Set(settings.map((s) => normalisePort(/^ports?\.(.+)$/.exec(s.key)![1]!)));
    for (const p of now) if (!changed.has(p)) previous.add(p);
  }
  return [...new Set(now.filter((p) => !previous.has(p)))].sort();
}

function portSettings(settings: readonly SettingChange[]): SettingChange[] {
  return settings.filter((s) => s.key === 'ports' || /^ports?\./.test(s.key));
}

/** Secret-looking env keys set or changed by the new image (all of its env on a first release). */
function newSecretEnvKeys(changes: Changes, after: Inventory): string[] {
  let keys: string[];
  if (changes.before === undefined) {
    keys = (after.config.config?.Env ?? []).map((kv) => kv.split('=')[0]!);
  } else {
    keys = changes.settings
      .filter((s) => s.key.startsWith('env.') && s.after !== undefined)
      .map((s) => s.key.slice(4));
  }
  return [...new Set(keys.filter(isSecretKey))].sort();
}
