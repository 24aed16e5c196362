import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import { secretKindsFromPath } from '../../src/catalog/probes/secret-kinds.js';
import { changes, fileChange, fileState, inventory, inventoryFile } from '../helpers/policy-fixtures.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const found = (...kinds: string[]): Record<string, unknown> => ({ secrets: { kinds } });

// The probe's findings live on the new inventory's entries; the changes say which paths are new.
const after = inventory({
  files: [
    inventoryFile('root/.ssh/id_rsa', { probes: found('private-key'), mode: 0o600 }),
    inventoryFile('app/config.json', { probes: found('aws-access-key', 'github-token') }),
    inventoryFile('usr/lib/python3/test/keycert.pem', { probes: found('private-key'), ownership: 'package' }),
    inventoryFile('app/.env', { size: 40 }),
    inventoryFile('app/.env.example', { size: 40 }),
    inventoryFile('app/empty/.env', { size: 0 }),
    inventoryFile('etc/old.key', { probes: found('private-key') }),
    inventoryFile('etc/chmod.key', { probes: found('private-key') }),
  ],
});
const fileChanges = [
  fileChange('root/.ssh/id_rsa', 'added'),
  fileChange('app/config.json', 'modified'),
  fileChange('usr/lib/python3/test/keycert.pem', 'added', { ownership: 'package' }),
  fileChange('app/.env', 'added'),
  fileChange('app/.env.example', 'added'),
  fileChange('app/empty/.env', 'added', { after: fileState({ size: 0 }) }),
  fileChange('etc/chmod.key', 'metadata', { aspects: ['mode'] }),
  fileChange('etc/gone.key', 'removed'),
];

function check(secretsBlock: string): string[] {
  const policy = parsePolicy(`rules:\n  - id: r\n    action: stop\n    secrets: ${secretsBlock}\n`, 'p.yml');
  return evaluatePolicy(policy, changes({ files: fileChanges }), after, NOW).violations.map((v) => v.message);
}

describe('secretViolations', () => {
  it('reports added and modified files the probe flagged, and credential files by name', () => {
    expect(check('{}')).toEqual([
      'app/.env: added non-packaged file holds dotenv-file',
      'app/config.json: modified non-packaged file holds aws-access-key, github-token',
      'root/.ssh/id_rsa: added non-packaged file holds private-key, ssh-private-key-file',
      'usr/lib/python3/test/keycert.pem: added packaged file holds private-key',
    ]);
  });

  it('keeps package files apart when nonPackaged is given', () => {
    expect(check('{ nonPackaged: false }')).toEqual([
      'usr/lib/python3/test/keycert.pem: added packaged file holds private-key',
    ]);
    expect(check('{ nonPackaged: true, kinds: private-key }')).toEqual([
      'root/.ssh/id_rsa: added non-packaged file holds private-key',
    ]);
  });

  it('limits by kind and path when the rule says so', () => {
    expect(check('{ kinds: [github-token] }')).toEqual([
      'app/config.json: modified non-packaged file holds github-token',
    ]);
    expect(check('{ path: "/root/**" }')).toEqual([
      'root/.ssh/id_rsa: added non-packaged file holds private-key, ssh-private-key-file',
    ]);
  });
});

describe('secretKindsFromPath', () => {
  it.each([
    ['root/.ssh/id_ed25519', ['ssh-private-key-file']],
    ['root/.ssh/id_ed25519.pub', []],
    ['srv/app/.env.production', ['dotenv-file']],
    ['srv/app/.env.sample', []],
    ['root/.pypirc', ['pypirc-file']],
    ['root/.git-credentials', ['git-credentials-file']],
    ['root/.netrc', ['netrc-file']],
    ['etc/environment', []],
  ])('names %s as %j', (path, kinds) => {
    expect(secretKindsFromPath(path)).toEqual(kinds);
  });
});
