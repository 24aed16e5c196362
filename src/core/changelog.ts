import type { Platform } from '../oci/types.js';
import { parsePlatform } from '../oci/platform.js';
import { DiskLayerIndexCache, MemoryLayerIndexCache } from '../cache/layer-index-cache.js';
import type { Cataloger, Inventory } from '../catalog/types.js';
import { defaultCatalogers, defaultCaptureSpec } from '../catalog/registry.js';
import type { Changes, DiffOptions } from '../diff/types.js';
import type { Verdict } from '../policy/types.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import { compareImages, inspectImage, type ScanOptions, type ScanPhase } from '../scan/compare-images.js';
import type { LayerProgress } from '../scan/layer-indexer.js';
import { DEFAULT_LIMITS, diffOptions, type ScanLimits } from './defaults.js';
import { loadPolicy, type PolicyChoice } from './policy-choice.js';
import { openRegistryAccess, type RegistryAccess } from './registry-access.js';
import type { RemoteSources } from '../image/remote-sources.js';
import { resolvePreviousImage, type PreviousImage } from './previous.js';
import type { BlobProgress } from '../image/registry.js';

/** What one run looks at and how; everything but `image` has a default. */
export interface ScanRequest {
  /** Wanted platform (`os/arch[/variant]`); default: the only one, else the host's. */
  platform?: Platform | string;
  /** Resource bounds; each one left out takes its default (DEFAULT_LIMITS). */
  limits?: Partial<ScanLimits>;
  /** Catalogers beyond the built-in ones: their files are captured (and cached) like the others'. */
  extraCatalogers?: readonly Cataloger[];
}

export interface ChangelogRequest extends ScanRequest {
  /** The new image. */
  image: string;
  /** The previous image, or how to find it; undefined for a first release. */
  previous?: PreviousImage;
  /** The previous image's platform when it is not the new one's (a stage whose FROM --platform changed). */
  previousPlatform?: Platform | string;
  /** Excludes and rollup depth; default: the default excludes, depth 2. */
  diff?: Partial<DiffOptions>;
  /** The policy to check; none when undefined. */
  policy?: PolicyChoice;
  /** The moment allowlist expiries are judged at; default: now. */
  now?: Date;
}

/** What a run needs from the outside world, supplied by the adapter. */
export interface Ports {
  /** Registries and the Docker daemon: credentials and environment. */
  registry?: RegistryAccess;
  /** Where layer indexes are kept between runs; none: each layer is read (once per run). */
  cacheDir?: string;
  progress?: ProgressPort;
}

export interface ProgressPort {
  onPhase?(phase: ScanPhase, detail: string): void;
  onLayer?(progress: LayerProgress): void;
  onDownload?(progress: BlobProgress): void;
  /** How the previous image was chosen, when it was looked up. */
  note?(message: string): void;
}

/** The outcome of a run: everything each surface (comment, summary, release notes, JSON, exit code) needs. */
export interface Changelog {
  /** The previous image as compared (pinned to its digest when it was looked up); undefined: a first release. */
  previous?: string;
  changes: Changes;
  /** The policy's verdict; undefined when no policy was asked for. */
  verdict?: Verdict;
  /** Every distinct layer of both images, by diffID, sorted (names what a layer cache now holds). */
  layerDiffIDs: string[];
  /** Packages added, removed, upgraded, downgraded or rebuilt; non-packaged files added, removed or modified. */
  totals: { packagesChanged: number; filesChanged: number };
}

/**
 * What the image pairs of one run share: one registry client (its tokens and download slots), and
 * the layer indexes read so far, so a layer two pairs hold (two stages on one base) is read once
 * even without a persistent cache. The indexes stay in memory until the run ends.
 */
export interface RunSession {
  remote: RemoteSources;
  layers: MemoryLayerIndexCache;
}

export function openRunSession(ports: Ports = {}): RunSession {
  return { remote: openRegistryAccess(registryWithProgress(ports)), layers: new MemoryLayerIndexCache() };
}

/**
 * The use case: resolve the previous image, read both images (each distinct layer once), catalog,
 * diff and check the policy. A bad policy fails before any image is read. Several pairs of one run
 * pass one `session`.
 */
export async function buildChangelog(
  request: ChangelogRequest,
  ports: Ports = {},
  session: RunSession = openRunSession(ports),
): Promise<Changelog> {
  const policy = request.policy ? await loadPolicy(request.policy) : undefined;
  const remote = session.remote;
  const previous = await resolvePreviousImage(request.image, request.previous, remote, (m) =>
    ports.progress?.note?.(m),
  );
  if (previous !== undefined) ports.progress?.note?.(`previous: ${previous}`);
  const previousPlatform = asPlatform(request.previousPlatform);
  const result = await compareImages(previous, request.image, diffOptions(request.diff), {
    ...scanOptions(request, ports, remote.sources, session.layers),
    ...(previousPlatform ? { previousPlatform } : {}),
  });
  const verdict = policy
    ? evaluatePolicy(policy, result.changes, result.after, request.now ?? new Date())
    : undefined;
  return {
    ...(previous !== undefined ? { previous } : {}),
    changes: result.changes,
    ...(verdict ? { verdict } : {}),
    layerDiffIDs: distinctLayers([result.before, result.after]),
    totals: totals(result.changes),
  };
}

/** One image's inventory (packages, files, settings), read the same way as in a changelog. */
export async function inspect(
  image: string,
  request: ScanRequest = {},
  ports: Ports = {},
): Promise<Inventory> {
  const remote = openRegistryAccess(registryWithProgress(ports));
  return inspectImage(image, scanOptions(request, ports, remote.sources));
}

/**
 * How the scan reads: one capture spec, made from every cataloger in the run, given to both the
 * layer reader and the cache (a cache keyed by another spec would hand back indexes missing files).
 */
export function scanOptions(
  request: ScanRequest,
  ports: Ports,
  sources: ScanOptions['sources'],
  memory?: MemoryLayerIndexCache,
): ScanOptions {
  const limits = { ...DEFAULT_LIMITS, ...definedOnly(request.limits ?? {}) };
  const catalogers = [...defaultCatalogers, ...(request.extraCatalogers ?? [])];
  const capture = defaultCaptureSpec({ maxFileBytes: limits.maxCaptureBytes, catalogers });
  const platform = asPlatform(request.platform);
  const progress = ports.progress;
  return {
    ...(platform ? { platform } : {}),
    ...(sources ? { sources } : {}),
    catalogers,
    capture,
    limits: { maxUncompressedBytes: limits.maxLayerBytes, maxEntries: limits.maxEntries },
    maxCaptureTotalBytes: limits.maxCaptureTotalBytes,
    ...(ports.cacheDir !== undefined
      ? { cache: new DiskLayerIndexCache(ports.cacheDir, capture) }
      : memory
        ? { cache: memory }
        : {}),
    ...(progress?.onPhase ? { onPhase: progress.onPhase.bind(progress) } : {}),
    ...(progress?.onLayer ? { onLayer: progress.onLayer.bind(progress) } : {}),
  };
}

function asPlatform(platform: Platform | string | undefined): Platform | undefined {
  return typeof platform === 'string' ? parsePlatform(platform) : platform;
}

function registryWithProgress(ports: Ports): RegistryAccess {
  const onDownload = ports.progress?.onDownload?.bind(ports.progress);
  return { ...ports.registry, ...(onDownload ? { onDownload } : {}) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function distinctLayers(inventories: ReadonlyArray<Inventory | undefined>): string[] {
  const ids = inventories.flatMap((inv) => inv?.image.layers.map((l) => l.diffID) ?? []);
  return [...new Set(ids)].sort();
}

function totals(changes: Changes): Changelog['totals'] {
  const p = changes.counts.packages;
  const f = changes.counts.nonPackaged;
  return {
    packagesChanged: p.added + p.removed + p.upgraded + p.downgraded + p.rebuilt,
    filesChanged: f.added + f.removed + f.modified,
  };
}
