/**
 * Regenerates the golden changelogs under __tests__/golden/files and the README's example changelog.
 *
 *   node --import tsx scripts/update-golden.ts [examples] [world] [fixtures]
 *
 * With no tier named, all of them: `examples` (the bundled images), `world` (the Debian images of the
 * integration tier, built first if needed: root, mmdebstrap, umoci, skopeo; written in world form, see
 * __tests__/golden/world-form.ts) and `fixtures` (the pairs in
 * ../shared/fixtures, skipped with a note when that folder is absent). Read the diff before committing:
 * a golden file is only as good as the review it got.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  GOLDEN_CASES,
  README,
  goldenCase,
  goldenForm,
  goldenPath,
  renderGoldenCase,
  withReadmeExcerpt,
  type GoldenTier,
} from '../__tests__/golden/golden-cases.js';
import { ensureWorld, hasSharedFixtures, repoRoot } from '../__tests__/world/world.js';
import {
  SECURITY_EXCERPT_CASE,
  securityExcerptOf,
  withSecurityExcerpt,
} from '../__tests__/golden/security-excerpt.js';

const TIERS: readonly GoldenTier[] = ['examples', 'world', 'fixtures'];

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  for (const t of asked)
    if (!TIERS.includes(t as GoldenTier))
      throw new Error(`unknown tier '${t}' (expected ${TIERS.join(', ')})`);
  const tiers = new Set<GoldenTier>(asked.length > 0 ? (asked as GoldenTier[]) : TIERS);
  process.chdir(repoRoot);
  if (tiers.has('world')) ensureWorld();
  if (tiers.has('fixtures') && !hasSharedFixtures) {
    process.stderr.write('skipping the fixtures tier: ../shared/fixtures is absent\n');
    tiers.delete('fixtures');
  }
  for (const c of GOLDEN_CASES.filter((x) => tiers.has(x.tier))) {
    const rendered = await renderGoldenCase(c);
    for (const format of c.formats) {
      const text = goldenForm(c, format, rendered);
      const path = goldenPath(c, format);
      const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      process.stdout.write(
        `${before === text ? 'unchanged' : before === undefined ? 'created  ' : 'updated  '} ${path.slice(repoRoot.length + 1)}\n`,
      );
    }
  }
  if (tiers.has('examples')) {
    const readme = readFileSync(README, 'utf8');
    const next = withReadmeExcerpt(
      readme,
      readFileSync(goldenPath(goldenCase('examples-v1-v2'), 'markdown'), 'utf8'),
    );
    writeFileSync(README, next);
    process.stdout.write(
      `${next === readme ? 'unchanged' : 'updated  '} README.md (What a changelog looks like)\n`,
    );
  }
  if (tiers.has('fixtures')) {
    const readme = readFileSync(README, 'utf8');
    const golden = readFileSync(goldenPath(goldenCase(SECURITY_EXCERPT_CASE), 'markdown'), 'utf8');
    const next = withSecurityExcerpt(readme, securityExcerptOf(golden));
    writeFileSync(README, next);
    process.stdout.write(`${next === readme ? 'unchanged' : 'updated  '} README.md (Why packages changed)\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`update-golden: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
