import { describe, expect, it } from 'vitest';
import { catalogCase, databaseCases, parseCase, type DatabaseCase } from './cases-databases.js';
import { linkCases } from './cases-links.js';
import { nameCases } from './cases-names.js';
import { streamCases } from './cases-stream.js';
import { tarFormLayerCases } from './cases-tar-forms.js';
import { runLayerCase, withinTime } from './corpus-runner.js';

/**
 * The hostile-input corpus (issue 8): every bad input with the exact behaviour expected of it, a
 * named error, a warning plus a result, or a correct result. Inputs are generated here, small and
 * deterministic; `corpus size` counts them for the closing note.
 */
describe('hostile corpus: layer streams (compression, tar framing, bombs, digests)', () => {
  it.each(streamCases.map((c) => [c.name, c] as const))('behaves as documented on: %s', async (_, c) => {
    await runLayerCase(c);
  });
});

describe('hostile corpus: entry names and PAX headers', () => {
  it.each(nameCases.map((c) => [c.name, c] as const))('behaves as documented on: %s', async (_, c) => {
    await runLayerCase(c);
  });
});

describe('hostile corpus: tar header forms readers disagree on (read as Go archive/tar reads them)', () => {
  it.each(tarFormLayerCases.map((c) => [c.name, c] as const))(
    'behaves as documented on: %s',
    async (_, c) => {
      await runLayerCase(c);
    },
  );
});

describe('hostile corpus: symlinks and hardlinks through readLayer and squashLayers', () => {
  it.each(linkCases.map((c) => [c.name, c] as const))('behaves as documented on: %s', async (_, c) => {
    await runLayerCase(c);
  });
});

describe('hostile corpus: package databases (dpkg status, apk installed)', () => {
  const run = async (c: DatabaseCase): Promise<void> => {
    const raw = c.input();
    const content = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    c.parsed(parseCase(c, content.toString('utf8')));
    c.cataloged(await withinTime(Promise.resolve(catalogCase(c, content)), 10_000, c.name));
  };
  const working = databaseCases.filter((c) => c.knownBug === undefined);
  it.each(working.map((c) => [c.name, c] as const))(
    'reports problems and never throws on: %s',
    async (_, c) => {
      await run(c);
    },
  );
  // Bugs outside this area, reported to their owners: these flip to failing once fixed.
  const known = databaseCases.filter((c) => c.knownBug !== undefined);
  it.fails.each(known.map((c) => [c.name, c] as const))('KNOWN BUG (%s) still present', async (_, c) => {
    await run(c);
  });
});

describe('hostile corpus size', () => {
  it('counts the bad inputs tried', () => {
    const counts = {
      streams: streamCases.length,
      names: nameCases.length,
      links: linkCases.length,
      tarForms: tarFormLayerCases.length,
      databases: databaseCases.length,
    };
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`hostile corpus: ${total} cases`, counts);
    const all = [...streamCases, ...nameCases, ...linkCases, ...tarFormLayerCases, ...databaseCases].map(
      (c) => c.name,
    );
    expect(new Set(all).size).toBe(all.length); // names are unique, so each case is reported once
  });
});
