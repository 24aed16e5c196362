import type { FileChange, FileState } from '../diff/types.js';

/** `10.5 MB`: decimal units, as registries and `docker images` show sizes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]!}`;
}

/** `0o4755` → `4755`. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Regular content: files, and hardlinks (which carry their target's content after squash). */
export function isRegular(state: FileState | undefined): state is FileState {
  return state !== undefined && (state.type === 'file' || state.type === 'hardlink');
}

/** `added non-packaged file` / `modified packaged file` / `metadata changed on directory`. */
export function describeFileChange(change: FileChange): string {
  const state = change.after ?? change.before;
  const ownership =
    change.ownership === 'none'
      ? 'non-packaged'
      : change.ownership === 'state'
        ? 'package-manager'
        : 'packaged';
  const type =
    state === undefined
      ? 'file'
      : state.type === 'dir'
        ? 'directory'
        : state.type === 'hardlink'
          ? 'file'
          : state.type;
  const kind = change.kind === 'metadata' ? 'changed (metadata)' : change.kind;
  return `${kind} ${ownership} ${type}`;
}
