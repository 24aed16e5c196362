import type { ContentSecretKind } from './secret-kinds.js';

/**
 * Content patterns for the secrets probe. Each is anchored on a literal so a miss is cheap, and each
 * asks for the secret's body, not only its marker: ssh and openssl binaries carry the bare
 * `-----BEGIN OPENSSH PRIVATE KEY-----` string, which is not a key.
 */
interface ContentPattern {
  kind: ContentSecretKind;
  regex: RegExp;
  /** Only files whose path passes (credential files of a known tool). */
  path?: RegExp;
  /** Documented example values (AWS's `...EXAMPLE` keys) are not secrets. */
  reject?: (match: string) => boolean;
}

const NEWLINE = String.raw`(?:\r?\n|(?:\\r)?\\n)`;
const PEM_HEADER = String.raw`(?:[A-Za-z][A-Za-z-]*: ?[^\r\n\\]*${NEWLINE})*`;
const isExample = (m: string): boolean => /EXAMPLE/.test(m);

const PATTERNS: readonly ContentPattern[] = [
  {
    kind: 'private-key',
    regex: new RegExp(
      String.raw`-----BEGIN (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----` +
        String.raw`[ \t]*${NEWLINE}${PEM_HEADER}(?:[ \t]*${NEWLINE})?[ \t]*[A-Za-z0-9+/]{32}`,
    ),
  },
  { kind: 'aws-access-key', regex: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, reject: isExample },
  {
    kind: 'aws-secret-key',
    regex: /aws_?secret_?access_?key["']?\s*[=:]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
    reject: isExample,
  },
  { kind: 'github-token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { kind: 'slack-token', regex: /\bxox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{10,}/ },
  {
    kind: 'slack-webhook',
    regex: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/,
  },
  {
    kind: 'npm-token',
    // `_authToken=${NPM_TOKEN}` reads the environment at run time: not a secret in the file.
    regex: /^[ \t]*(?:\/\/[^\s=]*:)?_(?:authToken|auth|password)[ \t]*=[ \t]*(?!\$\{)\S/m,
    path: /(?:^|\/)\.?npmrc$/,
  },
  {
    kind: 'docker-registry-auth',
    regex: /"(?:auth|identitytoken)"\s*:\s*"[A-Za-z0-9+/=_.-]{8,}"/,
    path: /(?:^|\/)(?:\.docker\/config\.json|containers\/auth\.json|\.dockercfg)$/,
  },
  { kind: 'pypi-password', regex: /^[ \t]*password[ \t]*[=:][ \t]*\S/m, path: /(?:^|\/)\.pypirc$/ },
];

/**
 * One cheap pass that every content pattern's anchor passes (most text has none): the patterns
 * themselves run only on text it hits. Tool config patterns are path-limited and always run.
 */
const ANCHORS =
  /PRIVATE KEY|A[KS]IA[A-Z0-9]{16}|[Ss][Ee][Cc][Rr][Ee][Tt]_?[Aa][Cc][Cc][Ee][Ss][Ss]|gh[pousr]_[A-Za-z0-9]{36}|github_pat_|xox[abposr]-|hooks\.slack\.com|"service_account"|"private_key"/;

/** A GCP service-account key file has both markers, anywhere in the file. */
const GCP_TYPE = /"type"\s*:\s*"service_account"/;
const GCP_KEY = /"private_key"\s*:\s*"-----BEGIN/;

/** Longest text a pattern needs to see at once; chunks overlap by this much. */
export const SECRET_PATTERN_WINDOW = 512;

/** The patterns for a path that is no known tool's credential file: most paths, one shared list. */
const ANY_PATH_PATTERNS = PATTERNS.filter((p) => p.path === undefined);

/** Scan state for one file: which patterns apply and what was found so far. */
export class SecretScanner {
  private readonly patterns: readonly ContentPattern[];
  private found: Set<ContentSecretKind> | null = null;
  private gcpType = false;
  private gcpKey = false;

  constructor(path: string) {
    // One scanner per scanned file: no list of its own unless a path-limited pattern applies.
    this.patterns = PATTERNS.some((p) => p.path?.test(path) === true)
      ? PATTERNS.filter((p) => p.path === undefined || p.path.test(path))
      : ANY_PATH_PATTERNS;
  }

  /** Look at a piece of text (latin1: one char per byte, so offsets and lengths match the bytes). */
  scan(text: string): void {
    const anchored = ANCHORS.test(text);
    for (const pattern of this.patterns) {
      if (!anchored && pattern.path === undefined) continue;
      if (this.found?.has(pattern.kind) === true) continue;
      if (matches(pattern, text)) (this.found ??= new Set()).add(pattern.kind);
    }
    if (!anchored) return;
    this.gcpType ||= GCP_TYPE.test(text);
    this.gcpKey ||= GCP_KEY.test(text);
    if (this.gcpType && this.gcpKey) (this.found ??= new Set()).add('gcp-service-account');
  }

  kinds(): ContentSecretKind[] {
    return this.found === null ? [] : [...this.found].sort();
  }
}

function matches(pattern: ContentPattern, text: string): boolean {
  const reject = pattern.reject;
  if (reject === undefined) return pattern.regex.test(text);
  for (const m of text.matchAll(pattern.regex)) if (!reject(m[0])) return true;
  return false;
}
