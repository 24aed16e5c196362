import type { Changes, DiffOptions } from '../diff/types.js';
import type { Verdict } from '../policy/types.js';
import { buildChangelog, openRunSession, type Ports, type ScanRequest } from './changelog.js';
import type { PolicyChoice } from './policy-choice.js';
import { pairStages, type RootBase, type StagePair } from '../dockerfile/pair.js';
import { readDockerfile, type Dockerfile } from '../dockerfile/stages.js';

/** One Dockerfile as the pull request's base and head commits hold it (undefined: absent there). */
export interface DockerfileVersions {
  path: string;
  old?: string;
  new?: string;
}

export interface DockerfileRequest {
  files: readonly DockerfileVersions[];
  /** `--build-arg K=V`: overrides the defaults of ARGs declared before the first FROM. */
  buildArgs?: ReadonlyMap<string, string>;
  /** The target platform (`linux/amd64`): `$TARGETPLATFORM` and the platform compared when FROM names none. */
  platform?: string;
}

/** What comparing one pair of base images gave: the changes, and the policy's verdict when a policy applies. */
export interface StageComparison {
  changes: Changes;
  verdict?: Verdict;
  /** Every distinct layer of both images (for a layer cache to keep). */
  layerDiffIDs?: string[];
  /** Packages and non-packaged files changed, as the image changelog counts them. */
  totals?: { packagesChanged: number; filesChanged: number };
}

/**
 * Compares two images (previous undefined: a first release) on a platform (undefined: the default
 * choice); the previous image on its own platform when its stage's FROM --platform said another one.
 * The adapters pass the one-image-pair use case, so a stage is compared exactly as an image is.
 */
export type CompareImages = (
  previous: string | undefined,
  image: string,
  platform: string | undefined,
  previousPlatform?: string,
) => Promise<StageComparison>;

export interface StageChangelog {
  pair: StagePair;
  /** The comparison, for pairs whose base changed (or was added) and is an image. */
  comparison?: StageComparison;
}

export type DockerfileStatus = 'modified' | 'added' | 'removed' | 'unchanged';

export interface DockerfileChangelog {
  path: string;
  status: DockerfileStatus;
  /** Final stage first. */
  stages: StageChangelog[];
}

function statusOf(file: DockerfileVersions, pairs: readonly StagePair[]): DockerfileStatus {
  if (file.old === undefined) return 'added';
  if (file.new === undefined) return 'removed';
  return pairs.some((p) => p.change !== 'unchanged') ? 'modified' : 'unchanged';
}

/** The image a stage side needs pulled, or undefined for scratch. */
function imageOf(base: RootBase | undefined): string | undefined {
  return base?.kind === 'image' ? base.reference : undefined;
}

/**
 * The base-image use case: read each Dockerfile's two versions, pair their stages, and compare the base
 * images of every pair that changed, final stage first. Unchanged stages are never opened; a pair that
 * two stages share (`FROM base AS app` on a changed `base`) is compared once. Parse errors fail before
 * any image is read.
 */
export async function compareDockerfiles(
  request: DockerfileRequest,
  compare: CompareImages,
): Promise<DockerfileChangelog[]> {
  const read = (text: string | undefined, path: string): Dockerfile | undefined =>
    text === undefined
      ? undefined
      : readDockerfile(text, path, {
          ...(request.buildArgs ? { buildArgs: request.buildArgs } : {}),
          ...(request.platform ? { platform: request.platform } : {}),
        });
  const planned = request.files.map((file) => {
    const pairs = pairStages(read(file.old, file.path), read(file.new, file.path));
    return { file, pairs };
  });

  const done = new Map<string, Promise<StageComparison>>();
  const out: DockerfileChangelog[] = [];
  for (const { file, pairs } of planned) {
    const stages: StageChangelog[] = [];
    for (const pair of pairs) {
      const image = imageOf(pair.new?.base);
      if ((pair.change !== 'changed' && pair.change !== 'added') || image === undefined) {
        stages.push({ pair });
        continue;
      }
      const previous = imageOf(pair.old?.base);
      const platform = pair.new?.base.platform ?? request.platform;
      // Each side as it was built: an old stage built for another platform is read on that one.
      const oldPlatform = pair.old?.base.platform ?? request.platform;
      const previousPlatform = previous !== undefined && oldPlatform !== platform ? oldPlatform : undefined;
      const key = `${previous ?? ''}|${image}|${platform ?? ''}|${previousPlatform ?? ''}`;
      let comparison = done.get(key);
      if (!comparison) {
        comparison = compare(previous, image, platform, previousPlatform);
        done.set(key, comparison);
      }
      stages.push({ pair, comparison: await comparison });
    }
    out.push({ path: file.path, status: statusOf(file, pairs), stages });
  }
  return out;
}

/** The Dockerfile use case's request: the files, and how each stage's images are compared. */
export interface DockerfileChangelogRequest extends DockerfileRequest, Omit<ScanRequest, 'platform'> {
  diff?: Partial<DiffOptions>;
  /** Checked for every compared stage: a base bump can stop the pull request. */
  policy?: PolicyChoice;
  now?: Date;
}

/**
 * The base-image changelogs of a pull request's Dockerfiles: each changed stage compared exactly as
 * an image pair (buildChangelog: manifests first, each distinct layer of the pair read once, the layer
 * cache applying, the policy checked). All pairs share one registry client and the layers read so
 * far, so a layer of two stage pairs (or of two Dockerfiles) is read once even with the cache off.
 */
export function buildDockerfileChangelogs(
  request: DockerfileChangelogRequest,
  ports: Ports = {},
): Promise<DockerfileChangelog[]> {
  const session = openRunSession(ports);
  return compareDockerfiles(request, async (previous, image, platform, previousPlatform) => {
    const c = await buildChangelog(
      {
        image,
        previous,
        ...(platform !== undefined ? { platform } : {}),
        ...(previousPlatform !== undefined ? { previousPlatform } : {}),
        ...(request.diff ? { diff: request.diff } : {}),
        ...(request.policy ? { policy: request.policy } : {}),
        ...(request.limits ? { limits: request.limits } : {}),
        ...(request.extraCatalogers ? { extraCatalogers: request.extraCatalogers } : {}),
        ...(request.now ? { now: request.now } : {}),
      },
      ports,
      session,
    );
    return {
      changes: c.changes,
      ...(c.verdict ? { verdict: c.verdict } : {}),
      layerDiffIDs: c.layerDiffIDs,
      totals: c.totals,
    };
  });
}

/** Whether a Dockerfile's base images changed anything: a compared stage with changes, a removal, scratch. */
export function dockerfileHasChanges(file: DockerfileChangelog): boolean {
  return file.stages.some(
    (s) => s.pair.change !== 'unchanged' && (s.comparison === undefined || s.comparison.changes.hasChanges),
  );
}
