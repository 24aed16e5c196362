/** Root: no user (the runtime's default), `root` or uid 0, with or without a group. */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0]!;
  return name === '' || name === 'root' || /^0+$/.test(name);
}
