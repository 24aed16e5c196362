export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One entry of a layer tar after path normalisation, with the facts we compare on. */
export interface FileEntry {
  /** Normalised path: no leading `/` or `./`, no trailing `/`, never `..`; the root is never listed. */
  path: string;
  type: EntryType;
  /** Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  mode: number;
  uid: number;
  gid: number;
  /** Content size for regular files; 0 otherwise (hardlinks carry their target's size after squash). */
  size: number;
  /** Hex SHA-256 of a regular file's content (and of a hardlink's target after squash). */
  sha256?: string;
  /** Symlink target as stored, or (normalised) hardlink target path. */
  link?: string;
  /** Device numbers for char/block devices. */
  devmajor?: number;
  devminor?: number;
  /** Modification time in seconds since the epoch (informational; never compared). */
  mtime?: number;
  /**
   * Extended attributes from the entry's PAX records (`SCHILY.xattr.*`, `LIBARCHIVE.xattr.*`), name ->
   * base64 of the raw value; absent when there are none. `security.capability` holds file capabilities.
   */
  xattrs?: Record<string, string>;
  /** Results of content probes that matched this entry, by probe id. JSON-serialisable. */
  probes?: Record<string, unknown>;
}
