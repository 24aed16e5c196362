import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ECOSYSTEMS, isOsEcosystem, OS_ECOSYSTEMS } from '../../src/catalog/ecosystems.js';
import { defaultCatalogers } from '../../src/catalog/registry.js';
import { compareVersions } from '../../src/catalog/versions/index.js';
import { parsePolicy } from '../../src/policy/load.js';

interface EcosystemDef {
  enum?: string[];
  $ref?: string;
}

function readSchema(file: string): { $defs: { ecosystem: EcosystemDef } } {
  const path = fileURLToPath(new URL(`../../schema/${file}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as { $defs: { ecosystem: EcosystemDef } };
}

/** A schema's `$defs.ecosystem` enum, following a `$ref` into a sibling schema's `$defs.ecosystem`. */
function schemaEcosystems(file: string): unknown {
  const def = readSchema(file).$defs.ecosystem;
  if (def.$ref === undefined) return def.enum;
  const [sibling, pointer] = def.$ref.split('#');
  expect(pointer).toBe('/$defs/ecosystem');
  return schemaEcosystems(sibling as string);
}

describe('the ecosystems list', () => {
  it.each(['report.schema.json', 'policy.schema.json'])('is the ecosystem enum of %s, in order', (file) => {
    expect(schemaEcosystems(file)).toEqual([...ECOSYSTEMS]);
  });

  it('is what a policy may name, each one alone and all together', () => {
    for (const ecosystem of ECOSYSTEMS) {
      const policy = parsePolicy(
        `rules:\n  - id: r\n    action: warn\n    packages:\n      ecosystem: ${ecosystem}\n`,
        'p.yml',
      );
      expect(policy.rules[0]).toMatchObject({ kind: 'packages', match: { ecosystem: [ecosystem] } });
    }
    const all = parsePolicy(
      `rules:\n  - id: r\n    action: warn\n    packages:\n      ecosystem: [${ECOSYSTEMS.join(', ')}]\n`,
      'p.yml',
    );
    expect(all.rules[0]).toMatchObject({ kind: 'packages', match: { ecosystem: [...ECOSYSTEMS] } });
  });

  it('has a version order for every ecosystem', () => {
    for (const ecosystem of ECOSYSTEMS) expect(compareVersions(ecosystem, '1.0', '2.0'), ecosystem).toBe(-1);
  });

  it('has a cataloger for every ecosystem, and every cataloger names a listed one', () => {
    const catalogued = new Set(defaultCatalogers.map((c) => c.ecosystem));
    expect([...catalogued].sort()).toEqual([...ECOSYSTEMS].sort());
  });

  it('tells operating-system package managers apart', () => {
    expect(ECOSYSTEMS.filter(isOsEcosystem)).toEqual([...OS_ECOSYSTEMS]);
    expect(isOsEcosystem('npm')).toBe(false);
  });
});
