/** Secret kinds found in file content by the secrets probe while the layer streams. */
export const CONTENT_SECRET_KINDS = [
  'private-key',
  'aws-access-key',
  'aws-secret-key',
  'gcp-service-account',
  'github-token',
  'slack-token',
  'slack-webhook',
  'npm-token',
  'docker-registry-auth',
  'pypi-password',
] as const;

/** Secret kinds told by a file's name alone (credential files whatever they hold). */
export const NAME_SECRET_KINDS = [
  'ssh-private-key-file',
  'dotenv-file',
  'pypirc-file',
  'git-credentials-file',
  'netrc-file',
] as const;

export const SECRET_KINDS = [...CONTENT_SECRET_KINDS, ...NAME_SECRET_KINDS] as const;

export type ContentSecretKind = (typeof CONTENT_SECRET_KINDS)[number];
export type NameSecretKind = (typeof NAME_SECRET_KINDS)[number];
export type SecretKind = ContentSecretKind | NameSecretKind;

const SSH_KEY_FILE = /^id_(?:rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk)$/;
/** Templates that document a .env file rather than hold one. */
const DOTENV_TEMPLATE = /\.(?:example|sample|template|dist|defaults?|tmpl|schema)$/;

/** Credential files recognised by name (a non-empty regular file is assumed). */
export function secretKindsFromPath(path: string): NameSecretKind[] {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (SSH_KEY_FILE.test(base)) return ['ssh-private-key-file'];
  if ((base === '.env' || base.startsWith('.env.')) && !DOTENV_TEMPLATE.test(base)) return ['dotenv-file'];
  if (base === '.pypirc') return ['pypirc-file'];
  if (base === '.git-credentials') return ['git-credentials-file'];
  if (base === '.netrc') return ['netrc-file'];
  return [];
}

/** The id under which the secrets content probe (./secrets.ts) files its results. */
export const SECRETS_PROBE_ID = 'secrets';

/** Read a probe result back from an entry's `probes` (it may come from a cache: check its shape). */
export function secretKindsOf(probes: Record<string, unknown> | undefined): string[] {
  const found = probes?.[SECRETS_PROBE_ID];
  if (typeof found !== 'object' || found === null) return [];
  const kinds = (found as { kinds?: unknown }).kinds;
  return Array.isArray(kinds) ? kinds.filter((k): k is string => typeof k === 'string') : [];
}
