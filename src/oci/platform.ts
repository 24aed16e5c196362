import { endianness } from 'node:os';
import { cutList } from '../util/cut-list.js';
import { ImageChangelogError } from '../util/errors.js';
import type { Descriptor, ImageIndex, Platform } from './types.js';

/** Parse `os/arch[/variant]` (`linux/amd64`, `linux/arm64/v8`), as given to `--platform`. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  const valid = parts.length >= 2 && parts.length <= 3 && parts.every((p) => /^[A-Za-z0-9._-]+$/.test(p));
  if (!valid) {
    throw new ImageChangelogError(
      'PLATFORM_INVALID',
      `invalid platform "${text}": expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`,
      {
        subject: text,
      },
    );
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

const ARCH_ALIASES: Record<string, Platform['architecture']> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
  i686: '386',
  x86: '386',
};

/**
 * The canonical form used for matching: OCI architecture names, `arm` always with a variant
 * (default v7), and the default variants of arm64 (v8) and amd64 (v1) dropped, as containerd does.
 */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  const rawArch = p.architecture.toLowerCase();
  const architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  let variant = p.variant?.toLowerCase();
  if (variant && /^\d/.test(variant)) variant = `v${variant}`;
  if (rawArch === 'armhf' && !variant) variant = 'v7';
  if (rawArch === 'armel' && !variant) variant = 'v6';
  if (architecture === 'arm' && !variant) variant = 'v7';
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/**
 * The platform of the machine we run on, in OCI names. Containers on macOS run in a Linux VM, so
 * every host but Windows defaults to `linux`. Parameters exist for tests.
 */
export function hostPlatform(
  nodePlatform: string = process.platform,
  nodeArch: string = process.arch,
): Platform {
  const os = nodePlatform === 'win32' ? 'windows' : 'linux';
  switch (nodeArch) {
    case 'x64':
      return { os, architecture: 'amd64' };
    case 'ia32':
      return { os, architecture: '386' };
    case 'arm':
      return { os, architecture: 'arm', variant: 'v7' };
    case 'ppc64':
      // Node says `ppc64` for both byte orders; Linux container images are practically all ppc64le.
      return { os, architecture: endianness() === 'LE' ? 'ppc64le' : 'ppc64' };
    case 'mipsel':
      return { os, architecture: 'mipsle' };
    case 'mips64el':
      return { os, architecture: 'mips64le' };
    default:
      // arm64, s390x, riscv64, loong64, ppc64le, ... are already OCI names.
      return { os, architecture: nodeArch };
  }
}

// Architectures whose variants form a ladder: a host of level N runs images of level <= N.
const VARIANT_LADDERS = new Set(['amd64', 'arm', 'arm64']);
const DEFAULT_LEVEL: Record<string, number> = { amd64: 1, arm: 7, arm64: 8 };

function variantLevel(p: Platform): number | undefined {
  if (!p.variant) return DEFAULT_LEVEL[p.architecture];
  const m = /^v(\d+(?:\.\d+)?)$/.exec(p.variant);
  return m ? Number(m[1]) : undefined;
}

/** Whether an image built for `candidate` runs where `wanted` is asked for. */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const w = normalizePlatform(wanted);
  const c = normalizePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return false;
  if (w.variant === c.variant) return true;
  if (!VARIANT_LADDERS.has(w.architecture)) return false;
  const wl = variantLevel(w);
  const cl = variantLevel(c);
  return wl !== undefined && cl !== undefined && cl <= wl;
}

const ATTESTATION_TYPE = 'vnd.docker.reference.type';

/** Attestation manifests (buildx provenance / SBOM) sit in indexes beside the images; they are not images. */
export function isAttestation(d: Descriptor): boolean {
  if (d.annotations?.[ATTESTATION_TYPE] === 'attestation-manifest') return true;
  return d.platform?.os === 'unknown' && d.platform.architecture === 'unknown';
}

/** The image entries of an index: everything but attestations. */
export function imageEntries(index: ImageIndex): Descriptor[] {
  return index.manifests.filter((d) => !isAttestation(d));
}

function platformOf(d: Descriptor): Platform | undefined {
  if (!d.platform) return undefined;
  const { os, architecture, variant } = d.platform;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The platforms an index offers (attestations excluded), in index order. */
export function indexPlatforms(index: ImageIndex): Platform[] {
  return imageEntries(index).flatMap((d) => {
    const p = platformOf(d);
    return p ? [p] : [];
  });
}

/**
 * Pick the manifest for a platform from an index: `wanted` when given; otherwise the only image
 * entry, else the host's platform. Among several matches the exact variant wins, then the highest
 * compatible one. Nested indexes are left to the caller (the result may itself be an index).
 */
export function chooseManifest(
  index: ImageIndex,
  wanted: Platform | undefined,
  host: Platform,
  subject?: string,
): Descriptor {
  const entries = imageEntries(index);
  // The only image is the answer by default, and also when it does not say its platform.
  if (entries.length === 1 && (!wanted || !entries[0]!.platform)) return entries[0]!;
  const target = wanted ?? host;
  const matches = entries.filter((d) => {
    const p = platformOf(d);
    return p !== undefined && platformMatches(target, p);
  });
  if (matches.length > 0) {
    const exact = normalizePlatform(target).variant;
    const score = (d: Descriptor): number => {
      const p = normalizePlatform(platformOf(d)!);
      return p.variant === exact ? Number.MAX_SAFE_INTEGER : (variantLevel(p) ?? 0);
    };
    return matches.reduce((best, d) => (score(d) > score(best) ? d : best));
  }
  throw platformNotFound(target, indexPlatforms(index), {
    ...(subject !== undefined ? { subject } : {}),
    wanted: wanted !== undefined,
  });
}

/**
 * `platform linux/arm64 is not available in REF; available: linux/amd64`, for an index and for a
 * single-platform image alike; a long list is cut with a count.
 */
export function platformNotFound(
  target: Platform,
  available: readonly Platform[],
  options: { subject?: string; wanted: boolean },
): ImageChangelogError {
  const { subject } = options;
  const where = subject ? ` in ${subject}` : '';
  const which = options.wanted
    ? `platform ${formatPlatform(target)}`
    : `the host platform ${formatPlatform(target)}`;
  return new ImageChangelogError(
    'PLATFORM_NOT_FOUND',
    `${which} is not available${where}; available: ${cutList([...new Set(available.map(formatPlatform))])}`,
    { hint: 'choose one with --platform os/arch[/variant]', ...(subject !== undefined ? { subject } : {}) },
  );
}
