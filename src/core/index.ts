/**
 * The use-case core: what every front door (the GitHub Action, the CLI, any other) calls. An adapter
 * translates its inputs into a request and its world into ports, calls one of these, and writes the
 * result to its surfaces with the renderers (src/render). It never resolves images, builds caches or
 * loads policies itself.
 *
 *   buildChangelog({ image, previous, diff, policy, platform, limits }, { registry, cacheDir, progress })
 *     -> { previous, changes, verdict, layerDiffIDs, totals }
 *   inspect(image, { platform, limits }, ports) -> Inventory
 *   buildDockerfileChangelogs({ files: [{ path, old, new }], buildArgs, platform, diff, policy }, ports)
 *     -> per Dockerfile, per stage (final first): the pair, and buildChangelog's result for changed ones
 *   loadPolicy('recommended' | { path, name }) -> Policy   (to check a policy file alone)
 *
 * The defaults every adapter shows (depth, resource bounds) are in ./defaults.ts.
 */
export { buildChangelog, inspect } from './changelog.js';
export type { Changelog, ChangelogRequest, Ports, ProgressPort, ScanRequest } from './changelog.js';
export {
  DEFAULT_DEPTH,
  DEFAULT_DIFF_OPTIONS,
  DEFAULT_LIMITS,
  DEFAULT_REGISTRY_TIMEOUT_MS,
  type ScanLimits,
} from './defaults.js';
export { loadPolicy, type PolicyChoice } from './policy-choice.js';
export { DEFAULT_PREVIOUS_TAG_TEMPLATE, type PreviousImage } from './previous.js';
export type { RegistryAccess } from './registry-access.js';
export {
  buildDockerfileChangelogs,
  compareDockerfiles,
  dockerfileHasChanges,
  type DockerfileChangelog,
  type DockerfileChangelogRequest,
  type DockerfileVersions,
  type StageChangelog,
} from './dockerfile.js';
