import semver from 'semver';
import type { RepositoryRef } from './client.js';
import { formatReference } from '../oci/reference.js';

/** A tag read as semver, with the `v` prefix (if any) remembered. */
function parseTag(tag: string): semver.SemVer | undefined {
  if (!/^[vV]?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(tag)) return undefined;
  return semver.parse(tag.replace(/^[vV]/, '')) ?? undefined;
}

/**
 * The release before `current` among `tags`: the highest semver tag strictly below it. Tags may
 * carry a `v` prefix; tags that are not semver (`latest`, `main`, `1.2`) are ignored; prereleases
 * count only when the current tag is itself a prerelease. Pure.
 */
export function findPreviousTag(tags: readonly string[], current: string): string | undefined {
  const now = parseTag(current);
  if (!now) return undefined;
  const includePrerelease = now.prerelease.length > 0;
  const currentHasV = /^[vV]/.test(current);
  let best: { tag: string; version: semver.SemVer } | undefined;
  for (const tag of tags) {
    const version = parseTag(tag);
    if (!version) continue;
    if (version.prerelease.length > 0 && !includePrerelease) continue;
    if (semver.compare(version, now) >= 0) continue;
    if (!best) {
      best = { tag, version };
      continue;
    }
    const order = semver.compare(version, best.version);
    // Equal versions (`v1.2.3` and `1.2.3`, or differing build metadata): prefer the current tag's
    // style, then the lexically smaller tag, so the answer never depends on the registry's order.
    const sameStyle = (t: string): boolean => /^[vV]/.test(t) === currentHasV;
    if (
      order > 0 ||
      (order === 0 &&
        ((sameStyle(tag) && !sameStyle(best.tag)) ||
          (sameStyle(tag) === sameStyle(best.tag) && tag < best.tag)))
    ) {
      best = { tag, version };
    }
  }
  return best?.tag;
}

export interface TagLister {
  listTags(repo: RepositoryRef): Promise<string[]>;
}

export interface PreviousImage {
  tag: string;
  /** `registry/repository:tag`, ready to open. */
  reference: string;
}

/** The previous release in the registry: list the repository's tags and pick the one below `currentTag`. */
export async function resolvePreviousByTags(
  client: TagLister,
  repo: RepositoryRef,
  currentTag: string,
): Promise<PreviousImage | undefined> {
  if (!parseTag(currentTag)) return undefined;
  const tags = await client.listTags(repo);
  const tag = findPreviousTag(tags, currentTag);
  if (tag === undefined) return undefined;
  return { tag, reference: formatReference({ registry: repo.registry, repository: repo.repository, tag }) };
}
