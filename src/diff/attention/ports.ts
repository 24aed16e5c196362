/** Services on well-known ports; `risky` ones give a remote shell or desktop (or an unauthenticated API). */
const WELL_KNOWN: Record<number, { name: string; risky?: true }> = {
  21: { name: 'ftp' },
  22: { name: 'ssh', risky: true },
  23: { name: 'telnet', risky: true },
  25: { name: 'smtp' },
  53: { name: 'dns' },
  69: { name: 'tftp' },
  80: { name: 'http' },
  110: { name: 'pop3' },
  111: { name: 'rpcbind' },
  135: { name: 'msrpc' },
  139: { name: 'netbios' },
  143: { name: 'imap' },
  161: { name: 'snmp' },
  389: { name: 'ldap' },
  443: { name: 'https' },
  445: { name: 'smb' },
  512: { name: 'rexec', risky: true },
  513: { name: 'rlogin', risky: true },
  514: { name: 'rsh', risky: true },
  873: { name: 'rsync' },
  1433: { name: 'mssql' },
  1521: { name: 'oracle' },
  2049: { name: 'nfs' },
  2375: { name: 'docker api (unencrypted)', risky: true },
  2376: { name: 'docker api', risky: true },
  3306: { name: 'mysql' },
  3389: { name: 'rdp', risky: true },
  5432: { name: 'postgresql' },
  5900: { name: 'vnc', risky: true },
  5985: { name: 'winrm', risky: true },
  6379: { name: 'redis' },
  8080: { name: 'http-alt' },
  9200: { name: 'elasticsearch' },
  11211: { name: 'memcached' },
  27017: { name: 'mongodb' },
};

/** The service usually on `port` (`22/tcp`, `22`), when it is a well-known one. */
export function wellKnownPort(port: string): { name: string; risky: boolean } | undefined {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(port.trim());
  if (!m) return undefined;
  const known = WELL_KNOWN[Number(m[1])];
  return known ? { name: known.name, risky: known.risky === true } : undefined;
}
