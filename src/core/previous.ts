import type { RemoteSources } from '../image/remote-sources.js';
import { formatReference } from '../oci/reference.js';
import { parseSourceReference } from '../image/source-reference.js';

/**
 * The previous image of a run: a reference, a way to look it up in the new image's registry, or
 * undefined for a first release.
 * - `semver-tags`: the highest semver tag below the new image's tag, in its repository.
 * - `release-tag`: the previous release's tag (the adapter knows how to ask for it; asked only when
 *   the new image is in a registry), turned into a reference by `tagTemplate` (`{repository}`,
 *   `{tag}`, `{version}` = the tag without a leading `v`).
 */
export type PreviousImage =
  | string
  | { lookup: 'semver-tags' }
  | { lookup: 'release-tag'; previousReleaseTag: () => Promise<string | undefined>; tagTemplate: string }
  | undefined;

/** The default `tagTemplate`: the same repository, the release's tag. */
export const DEFAULT_PREVIOUS_TAG_TEMPLATE = '{repository}:{tag}';

/**
 * The reference to compare with, pinned to its digest when it was looked up; undefined for a first
 * release, with a `note` saying why.
 */
export async function resolvePreviousImage(
  image: string,
  previous: PreviousImage,
  sources: RemoteSources,
  note: (message: string) => void,
): Promise<string | undefined> {
  if (previous === undefined || typeof previous === 'string') return previous;
  // A missing file named like one is "no such file" here, not a name to look up on Docker Hub.
  const parsed = await parseSourceReference(image);
  if (parsed.transport !== 'docker' && parsed.transport !== 'registry') {
    note(
      `previous: looking it up needs a registry image to find earlier tags; '${image}' is not one, so this is a first release`,
    );
    return undefined;
  }
  const ref = parsed.name;
  const repository = formatReference({ registry: ref.registry, repository: ref.repository });
  if (previous.lookup === 'release-tag') {
    const tag = await previous.previousReleaseTag();
    if (!tag) {
      note('previous: no earlier published release; this is a first release');
      return undefined;
    }
    const candidate = previous.tagTemplate
      .replaceAll('{repository}', repository)
      .replaceAll('{tag}', tag)
      .replaceAll('{version}', tag.replace(/^v/, ''));
    return sources.pinToDigest(candidate);
  }
  if (!ref.tag) {
    note('previous: the image has no tag to compare semver tags with; this is a first release');
    return undefined;
  }
  const found = await sources.previousByTags(image);
  if (!found) note(`previous: no semver tag below ${ref.tag} in ${repository}; this is a first release`);
  return found;
}
