/** What a redacted value is shown as. */
export const REDACTED = '(redacted)';

/** Stems that mark a secret when found inside a word of the key (`DB_PASSWORD`, `GITHUB_TOKEN`, `APIKEY`). */
const SECRET_STEMS = /PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|SIGNATURE|SESSION|COOKIE|SALT/;

/** Whole words that mark a secret (`DB_PWD`; `PWD` alone is the shell's working directory). */
const SECRET_WORDS = new Set(['PWD', 'PW', 'CERT', 'DSN']);

/** Last words of keys that name a place, not a value: `SSH_KEY_PATH`, `PASSWORD_FILE` (Docker secrets), `GNUPGHOME`. */
const PLACE_WORDS = new Set(['PATH', 'PATHS', 'FILE', 'FILES', 'DIR', 'DIRS', 'HOME', 'LOCATION']);

/** Known keys whose names contain a stem but never a secret. */
const NEVER_SECRET = new Set([
  'PATH',
  'PWD',
  'OLDPWD',
  'KEYBOARD',
  'XKB_DEFAULT_KEYMAP',
  'PASSENGER_APP_ENV',
]);

/**
 * Should the value under this env (or label) key be hidden in the changelog? Deliberately wide:
 * hiding a harmless value costs little, printing a token into a PR comment costs a rotation. The
 * policy's `isSecretKey` (src/policy/secret-keys.ts) is the narrow question "is this a secret worth
 * stopping a build for", where a false positive (`GPG_KEY`) would fail every build.
 * `*_PATH`, `*_FILE`, `*_DIR`, `*_HOME` name places, not secrets, and are shown.
 */
export function shouldRedactKey(name: string): boolean {
  const upper = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  if (NEVER_SECRET.has(upper)) return false;
  const words = upper.split(/[^A-Z0-9]+/).filter((w) => w !== '');
  if (words.length === 0) return false;
  if (PLACE_WORDS.has(words[words.length - 1]!)) return false;
  return words.some((w) => SECRET_STEMS.test(w) || SECRET_WORDS.has(w));
}

/** Credentials inside a URL value (`postgres://user:pw@host/db`) are hidden whatever the key. */
export function redactUrlCredentials(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi, `$1:${REDACTED}@`);
}
