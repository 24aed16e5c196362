import type { Changes, FileChange, ImageSide, PackageChange } from '../diff/types.js';
import type { Verdict } from '../policy/types.js';
import type { PackageId } from '../catalog/types.js';
import { VERSION } from '../version.js';
import { sortViolations } from './markdown-head.js';
import { compareCodeUnits as cmp } from '../util/code-unit-order.js';

/** Version of the report format (schema/report.schema.json); bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

/** Objects with their keys sorted, recursively; arrays keep their (already sorted) order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/** How the report names an owning package (schema: `files[].owners`): `ecosystem:name`. */
export function ownerText(owner: PackageId): string {
  return `${owner.ecosystem}:${owner.name}`;
}

function side(s: ImageSide | undefined): unknown {
  return s === undefined ? null : canonical(s);
}

/**
 * The full report for scripts: everything in Changes (excluded paths included, flagged), the policy
 * verdict, and the tool that wrote it. Stable: keys sorted within objects, attention most serious first,
 * packages by ecosystem, name,
 * arch, location; files, rollup rows and settings by path/key; violations by severity, rule, subject.
 */
export function renderJson(changes: Changes, verdict?: Verdict): string {
  const report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'image-changelog', version: VERSION },
    firstRelease: changes.firstRelease,
    hasChanges: changes.hasChanges,
    platformChanged: changes.platformChanged,
    osChanged: changes.osChanged,
    osRelease: changes.osRelease ? canonical(changes.osRelease) : null,
    attention: changes.attention.map((a) => canonical(a)),
    before: side(changes.before),
    after: side(changes.after),
    counts: canonical(changes.counts),
    options: canonical(changes.options),
    packages: changes.packages.map((p: PackageChange) => canonical(p)),
    files: [...changes.files]
      .sort((a: FileChange, b: FileChange) => cmp(a.path, b.path))
      .map((f) => canonical({ ...f, owners: f.owners.map(ownerText) })),
    rollup: [...changes.rollup].sort((a, b) => cmp(a.path, b.path)).map((r) => canonical(r)),
    folds: changes.folds.map((f) => canonical(f)),
    settings: [...changes.settings].sort((a, b) => cmp(a.key, b.key)).map((s) => canonical(s)),
    layers: canonical(changes.layers),
    ...(changes.security ? { security: canonical(changes.security) } : {}),
    ...(changes.problems.length > 0 ? { problems: changes.problems.map((p) => canonical(p)) } : {}),
    verdict: verdict ? canonical({ ...verdict, violations: sortViolations(verdict.violations) }) : null,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
