/**
 * Does an environment variable name look like it holds a secret? Word-based on `_`-separated parts,
 * so `GPG_KEY` (a public fingerprint in official images), `PWD` and `KEYBOARD` do not count, and
 * `*_FILE` variables (the Docker secrets convention: a path to the secret) do not either. Narrower
 * than the diff's `shouldRedactKey`, which hides any value that might be secret.
 */
export function isSecretKey(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
  if (words.length === 0 || words[words.length - 1] === 'FILE') return false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (SECRET_WORDS.has(word)) return true;
    const next = words[i + 1];
    if (next !== undefined && SECRET_PAIRS.has(`${word}_${next}`)) return true;
  }
  return false;
}

const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PASS',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATEKEY',
]);

const SECRET_PAIRS = new Set([
  'API_KEY',
  'ACCESS_KEY',
  'PRIVATE_KEY',
  'SECRET_KEY',
  'AUTH_KEY',
  'CLIENT_KEY',
]);
