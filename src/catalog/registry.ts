import type { CaptureSpec, ContentProbe } from '../layers/types.js';
import type { Cataloger } from './types.js';
import { dpkgCataloger } from './os/dpkg.js';
import { apkCataloger } from './os/apk.js';
import { rpmCataloger } from './os/rpm/index.js';
import { OS_RELEASE_GLOBS } from './os/os-release.js';
import { ACCOUNT_GLOBS } from './accounts/accounts.js';
import { langCatalogers, langProbes } from './lang/index.js';
import { runtimeCatalogers } from './runtime/index.js';
import { binaryCatalogers } from './binary/index.js';
import { binaryIdentityProbe } from './probes/binary-identity.js';
import { fileDigestsProbe } from './probes/file-digests.js';
import { debianChangelogProbe } from './changelog/debian-changelog-probe.js';
import { textChangelogProbe } from './changelog/text-changelog-probe.js';
import { createSecretsProbe, DEFAULT_SECRETS_MAX_FILE_BYTES } from './probes/secrets.js';

/** Every cataloger, in a fixed order (OS package managers first). A static list, no discovery. */
export const defaultCatalogers: readonly Cataloger[] = [
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  ...langCatalogers,
  ...runtimeCatalogers,
  ...binaryCatalogers,
];

/** Probes that look at file contents while layers stream. */
export function defaultProbes(options: { secretsMaxFileBytes?: number } = {}): ContentProbe[] {
  return [
    fileDigestsProbe,
    debianChangelogProbe,
    textChangelogProbe,
    ...langProbes,
    binaryIdentityProbe,
    createSecretsProbe({ maxFileBytes: options.secretsMaxFileBytes ?? DEFAULT_SECRETS_MAX_FILE_BYTES }),
  ];
}

/** The largest single file kept in memory for a cataloger (a big rpm BerkeleyDB is tens of MB). */
export const DEFAULT_MAX_CAPTURE_BYTES = 256 * 1024 * 1024;

/** What the layer reader keeps: the files the catalogers declared, plus the probes. */
export function defaultCaptureSpec(
  options: { maxFileBytes?: number; secretsMaxFileBytes?: number; catalogers?: readonly Cataloger[] } = {},
): CaptureSpec {
  const globs = new Set<string>([...OS_RELEASE_GLOBS, ...ACCOUNT_GLOBS]);
  for (const c of options.catalogers ?? defaultCatalogers) for (const g of c.globs) globs.add(g);
  return {
    globs: [...globs].sort(),
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_CAPTURE_BYTES,
    probes: defaultProbes(options),
  };
}
