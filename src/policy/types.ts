export type RuleAction = 'stop' | 'warn' | 'info';

export interface Violation {
  rule: string;
  action: RuleAction;
  /** What it is about: a package (`dpkg:openssl`), a path, a setting key. */
  subject: string;
  message: string;
  /** Set when an allowlist entry suppressed it (then it does not count toward the verdict). */
  allowed?: { reason: string; expires?: string };
  /** Set when an allowlist entry matched but had expired. */
  expiredAllowance?: { reason: string; expires: string };
}

export interface Verdict {
  /** `stop` when any unallowed stop violation, else `warn` when any warn, else `pass`. */
  result: 'pass' | 'warn' | 'stop';
  violations: Violation[];
  /** Policy source (file path or `recommended`). */
  policy: string;
}
