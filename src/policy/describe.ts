import type { FileChange, FileState } from '../diff/types.js';
import { formatBytes } from '../util/format-bytes.js';

export { formatBytes };

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
