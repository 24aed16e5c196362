export { diffInventories, isNonPackaged } from './diff.js';
export { DEFAULT_EXCLUDES } from './default-excludes.js';
export { excludeGlobs, excludeMatcher } from './excludes.js';
export { shouldRedactKey, redactUrlCredentials, REDACTED } from './secret-keys.js';
export { rollupKey, ROOT_ROW } from './rollup.js';
export { DERIVED_SETTING_KEYS } from './settings.js';
export type * from './types.js';
