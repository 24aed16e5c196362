import { execFileSync } from 'node:child_process';

/**
 * The Debian tools an integration test needs that this machine lacks (`.ci/run` installs them all);
 * when some are missing, one warning says which and that `what` is skipped.
 */
export function missingTools(tools: readonly string[], what: string): string[] {
  const missing = tools.filter((tool) => {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) console.warn(`${what} skipped: ${missing.join(', ')} not installed`);
  return missing;
}

/** A self-signed RSA certificate and its key, written with openssl (valid two days). */
export function selfSignedCertificate(
  keyPath: string,
  certPath: string,
  subject: string,
  subjectAltName?: string,
): void {
  const san = subjectAltName === undefined ? [] : ['-addext', `subjectAltName=${subjectAltName}`];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath].concat(
      ['-days', '2', '-subj', subject],
      san,
    ),
    { stdio: 'ignore' },
  );
}
