/**
 * File capabilities: the `security.capability` xattr (Linux `struct vfs_cap_data`, little-endian) in
 * getcap's text form, e.g. `cap_net_bind_service,cap_net_raw=ep`.
 *
 * Layout: `magic_etc` (u32: revision in the top byte, bit 0 = effective), then per 32-bit word
 * `permitted` and `inheritable` (u32 each): one word for revision 1 (12 bytes), two for revision 2
 * (20 bytes), two plus the namespace `rootid` (u32) for revision 3 (24 bytes).
 */
export const CAPABILITY_XATTR = 'security.capability';

/** Linux capability names by bit number (include/uapi/linux/capability.h). */
const NAMES = [
  'chown',
  'dac_override',
  'dac_read_search',
  'fowner',
  'fsetid',
  'kill',
  'setgid',
  'setuid',
  'setpcap',
  'linux_immutable',
  'net_bind_service',
  'net_broadcast',
  'net_admin',
  'net_raw',
  'ipc_lock',
  'ipc_owner',
  'sys_module',
  'sys_rawio',
  'sys_chroot',
  'sys_ptrace',
  'sys_pacct',
  'sys_admin',
  'sys_boot',
  'sys_nice',
  'sys_resource',
  'sys_time',
  'sys_tty_config',
  'mknod',
  'lease',
  'audit_write',
  'audit_control',
  'setfcap',
  'mac_override',
  'mac_admin',
  'syslog',
  'wake_alarm',
  'block_suspend',
  'audit_read',
  'perfmon',
  'bpf',
  'checkpoint_restore',
];

export interface FileCapabilities {
  /** getcap's form: `cap_a,cap_b=ep cap_c=p`, plus ` [rootid=N]` for a namespaced (v3) value. */
  text: string;
  /** Every capability named, as `cap_x=flags` (one per capability), sorted. */
  each: string[];
}

export function capabilityName(bit: number): string {
  return `cap_${NAMES[bit] ?? String(bit)}`;
}

/** Decode a `security.capability` value, or undefined when it is not a vfs_cap_data of a known revision. */
export function decodeCapabilities(value: Buffer): FileCapabilities | undefined {
  if (value.length < 4) return undefined;
  const magic = value.readUInt32LE(0);
  const revision = magic >>> 24;
  const words = revision === 1 ? 1 : revision === 2 || revision === 3 ? 2 : 0;
  const expected = revision === 1 ? 12 : revision === 2 ? 20 : 24;
  if (words === 0 || value.length !== expected) return undefined;
  const effective = (magic & 1) === 1;
  const flagsOf = new Map<number, string>();
  for (let word = 0; word < words; word++) {
    const permitted = value.readUInt32LE(4 + word * 8);
    const inheritable = value.readUInt32LE(8 + word * 8);
    for (let bit = 0; bit < 32; bit++) {
      const p = ((permitted >>> bit) & 1) === 1;
      const i = ((inheritable >>> bit) & 1) === 1;
      if (!p && !i) continue;
      flagsOf.set(word * 32 + bit, `${effective && p ? 'e' : ''}${i ? 'i' : ''}${p ? 'p' : ''}`);
    }
  }
  const groups = new Map<string, string[]>();
  for (const [bit, flags] of [...flagsOf].sort((a, b) => a[0] - b[0])) {
    groups.set(flags, [...(groups.get(flags) ?? []), capabilityName(bit)]);
  }
  const parts = [...groups].map(([flags, names]) => `${names.join(',')}=${flags}`);
  if (revision === 3) parts.push(`[rootid=${value.readUInt32LE(20)}]`);
  const each = [...flagsOf]
    .sort((a, b) => a[0] - b[0])
    .map(([bit, flags]) => `${capabilityName(bit)}=${flags}`);
  return { text: parts.length > 0 ? parts.join(' ') : '=', each };
}

/** The capabilities of an entry's xattrs (base64 values, as the layer index keeps them), in text form. */
export function capabilitiesText(xattrs: Readonly<Record<string, string>> | undefined): string | undefined {
  const raw = xattrs?.[CAPABILITY_XATTR];
  if (raw === undefined) return undefined;
  const bytes = Buffer.from(raw, 'base64');
  return decodeCapabilities(bytes)?.text ?? `undecodable (${bytes.length} bytes)`;
}
