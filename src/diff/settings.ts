import type { Inventory, OsRelease } from '../catalog/types.js';
import type { HealthcheckConfig } from '../oci/types.js';
import { REDACTED, shouldRedactKey, redactUrlCredentials } from './secret-keys.js';
import type { SettingChange } from './types.js';

interface Setting {
  /** What is shown. */
  value: string;
  /** The real value, compared but never shown when redacted. */
  raw: string;
  redacted?: boolean;
}

/**
 * Keys of settings derived from the layers (they change whenever any layer does); they are listed,
 * but on their own they do not make an image "changed".
 */
export const DERIVED_SETTING_KEYS: ReadonlySet<string> = new Set([
  'layers',
  'size.compressed',
  'size.uncompressed',
  'history',
]);

function list(value: string[] | null | undefined): string | undefined {
  return value && value.length > 0 ? JSON.stringify(value) : undefined;
}

/** Docker records durations in nanoseconds. */
function seconds(ns: number | undefined): string | undefined {
  return ns === undefined || ns === 0 ? undefined : `${ns / 1e9}s`;
}

function healthcheck(h: HealthcheckConfig | null | undefined): string | undefined {
  if (!h || !h.Test || h.Test.length === 0) return undefined;
  const [kind, ...args] = h.Test;
  const test =
    kind === 'CMD-SHELL'
      ? `CMD-SHELL ${args.join(' ')}`
      : kind === 'CMD'
        ? `CMD ${JSON.stringify(args)}`
        : h.Test.join(' ');
  const extras = [
    ['interval', seconds(h.Interval)],
    ['timeout', seconds(h.Timeout)],
    ['start-period', seconds(h.StartPeriod)],
    ['start-interval', seconds(h.StartInterval)],
    ['retries', h.Retries ? String(h.Retries) : undefined],
  ]
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`);
  return extras.length > 0 ? `${test} (${extras.join(', ')})` : test;
}

export function describeOs(os: OsRelease | undefined): string | undefined {
  if (!os) return undefined;
  if (os.prettyName === undefined) return os.versionId ? `${os.id} ${os.versionId}` : os.id;
  // Debian's PRETTY_NAME says `12`; a VERSION_ID it does not mention is added so a change shows.
  return os.versionId && !os.prettyName.includes(os.versionId)
    ? `${os.prettyName} ${os.versionId}`
    : os.prettyName;
}

function secretAware(key: string, value: string): Setting {
  if (shouldRedactKey(key)) return { value: REDACTED, raw: value, redacted: true };
  const safe = redactUrlCredentials(value);
  return safe === value ? { value, raw: value } : { value: safe, raw: value, redacted: true };
}

/** Every setting of an image as key -> value (settings that are unset are absent). */
function imageSettings(inv: Inventory): Map<string, Setting> {
  const out = new Map<string, Setting>();
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') out.set(key, { value, raw: value });
  };
  const c = inv.config.config ?? {};
  put('user', c.User);
  put('entrypoint', list(c.Entrypoint));
  put('cmd', list(c.Cmd));
  put('workdir', c.WorkingDir);
  put('shell', list(c.Shell));
  put('onbuild', list(c.OnBuild));
  put('healthcheck', healthcheck(c.Healthcheck));
  put('stopsignal', c.StopSignal);
  for (const kv of c.Env ?? []) {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    out.set(`env.${key}`, secretAware(key, eq < 0 ? '' : kv.slice(eq + 1)));
  }
  for (const port of Object.keys(c.ExposedPorts ?? {})) out.set(`port.${port}`, { value: port, raw: port });
  for (const volume of Object.keys(c.Volumes ?? {}))
    out.set(`volume.${volume}`, { value: volume, raw: volume });
  for (const [key, value] of Object.entries(c.Labels ?? {}))
    out.set(`label.${key}`, secretAware(key, String(value)));
  put('platform', inv.image.platform);
  put('os', describeOs(inv.os));
  put('layers', String(inv.image.layers.length));
  put('size.compressed', String(inv.image.compressedSize));
  put('size.uncompressed', String(inv.image.uncompressedSize));
  return out;
}

/** `created_by` of the layers whose diffID the other image lacks, one per line. */
function history(inv: Inventory, others: ReadonlySet<string>): string | undefined {
  const lines = inv.image.layers
    .filter((l) => !others.has(l.diffID))
    .map((l) => (l.createdBy ?? '').trim() || '(no history)');
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/**
 * Changed settings, sorted by key. First release: every setting as `after`. Values of secret-looking
 * env keys and labels are replaced by `(redacted)` on both sides (a change is still reported).
 */
export function diffSettings(before: Inventory | undefined, after: Inventory): SettingChange[] {
  const old = before ? imageSettings(before) : new Map<string, Setting>();
  const now = imageSettings(after);
  const out: SettingChange[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const b = old.get(key);
    const a = now.get(key);
    if (b?.raw === a?.raw) continue;
    const c: SettingChange = { key };
    if (b) c.before = b.value;
    if (a) c.after = a.value;
    if (b?.redacted || a?.redacted) c.redacted = true;
    out.push(c);
  }
  const layersBefore = new Set(before?.image.layers.map((l) => l.diffID) ?? []);
  const layersAfter = new Set(after.image.layers.map((l) => l.diffID));
  const added = history(after, layersBefore);
  const removed = before ? history(before, layersAfter) : undefined;
  if (added !== undefined || removed !== undefined) {
    const c: SettingChange = { key: 'history' };
    if (removed !== undefined) c.before = removed;
    if (added !== undefined) c.after = added;
    out.push(c);
  }
  return out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}
