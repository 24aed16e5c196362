import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { FileChange } from '../../src/diff/types.js';
import { changes, fileChange, fileState, inventory } from '../helpers/policy-fixtures.js';

const NOW = new Date('2026-06-01T12:00:00Z');

/** Paths a one-rule files policy reports over these file changes. */
function paths(filesBlock: string, files: FileChange[]): string[] {
  return messages(filesBlock, files).map((m) => m.slice(0, m.indexOf(':')));
}

function messages(filesBlock: string, files: FileChange[]): string[] {
  const policy = parsePolicy(`rules:\n  - id: r\n    action: stop\n    files: ${filesBlock}\n`, 'p.yml');
  return evaluatePolicy(policy, changes({ files }), inventory(), NOW).violations.map((v) => v.message);
}

const SUID = 0o4755;
const SGID = 0o2755;

describe('fileViolations', () => {
  const setuidCases = [
    fileChange('usr/local/bin/planted', 'added', { after: fileState({ mode: SUID }) }),
    fileChange('usr/bin/sudo', 'added', {
      after: fileState({ mode: SUID }),
      ownership: 'package',
      owners: [{ ecosystem: 'dpkg', name: 'sudo' }],
    }),
    fileChange('usr/bin/passwd', 'modified', {
      before: fileState({ mode: SUID }),
      after: fileState({ mode: SUID, size: 200 }),
      ownership: 'package',
    }),
    fileChange('opt/tool', 'metadata', {
      before: fileState({ mode: 0o755 }),
      after: fileState({ mode: SUID }),
      aspects: ['mode'],
    }),
    fileChange('opt/was-suid', 'removed', { before: fileState({ mode: SUID }) }),
    fileChange('var/mail', 'added', { after: fileState({ type: 'dir', mode: 0o2775 }) }),
    fileChange('usr/bin/crontab', 'added', { after: fileState({ mode: SGID }), ownership: 'package' }),
  ];

  it('reports files that gained setuid (added with it or chmod-ed), not ones that kept it', () => {
    expect(paths('{ setuid: true }', setuidCases)).toEqual([
      'opt/tool',
      'usr/bin/sudo',
      'usr/local/bin/planted',
    ]);
    expect(messages('{ setuid: true, nonPackaged: true }', setuidCases)).toEqual([
      'opt/tool: changed (metadata) non-packaged file, setuid (mode 4755)',
      'usr/local/bin/planted: added non-packaged file, setuid (mode 4755)',
    ]);
    expect(paths('{ setuid: true, nonPackaged: false }', setuidCases)).toEqual(['usr/bin/sudo']);
  });

  it('reports regular files that gained setgid but not setgid directories', () => {
    expect(paths('{ setgid: true }', setuidCases)).toEqual(['usr/bin/crontab']);
  });

  it('never applies conditions on the file itself to a removed file, but matches it by path', () => {
    expect(paths('{ path: "opt/**", setuid: false }', setuidCases)).toEqual([]);
    expect(paths('{ path: "opt/**", change: removed }', setuidCases)).toEqual(['opt/was-suid']);
  });

  it('reports world-writable files and directories except symlinks and sticky directories', () => {
    const files = [
      fileChange('etc/app.conf', 'added', { after: fileState({ mode: 0o666 }) }),
      fileChange('srv/drop', 'added', { after: fileState({ type: 'dir', mode: 0o777 }) }),
      fileChange('tmp', 'added', { after: fileState({ type: 'dir', mode: 0o1777 }) }),
      fileChange('usr/bin/link', 'added', { after: fileState({ type: 'symlink', mode: 0o777, link: 'x' }) }),
      fileChange('etc/ok.conf', 'added', { after: fileState({ mode: 0o644 }) }),
    ];
    expect(paths('{ worldWritable: true }', files)).toEqual(['etc/app.conf', 'srv/drop']);
  });

  it('reports new non-packaged executables in bin directories when the recommended-style rule is used', () => {
    const files = [
      fileChange('usr/bin/tool', 'added', { after: fileState({ mode: 0o755 }) }),
      fileChange('usr/bin/awk', 'added', {
        after: fileState({ type: 'symlink', mode: 0o777, link: '/etc/alternatives/awk' }),
      }),
      fileChange('usr/bin/hard', 'added', {
        after: fileState({ type: 'hardlink', mode: 0o755, link: 'usr/bin/tool' }),
      }),
      fileChange('usr/bin/data', 'added', { after: fileState({ mode: 0o644 }) }),
      fileChange('usr/bin/ls', 'added', { after: fileState({ mode: 0o755 }), ownership: 'package' }),
      fileChange('usr/bin/sub/deep', 'added', { after: fileState({ mode: 0o755 }) }),
      fileChange('opt/app/run', 'added', { after: fileState({ mode: 0o755 }) }),
    ];
    expect(
      paths('{ path: ["/usr/bin/*"], change: added, nonPackaged: true, executable: true }', files),
    ).toEqual(['usr/bin/hard', 'usr/bin/tool']);
  });

  it('filters by size and owner, and reports size growth of modified files', () => {
    const MB = 1_000_000;
    const files = [
      fileChange('opt/big', 'added', { after: fileState({ size: 50 * MB, uid: 1000 }) }),
      fileChange('opt/small', 'added', { after: fileState({ size: 10 }) }),
      fileChange('opt/grew', 'modified', {
        before: fileState({ size: MB }),
        after: fileState({ size: 10 * MB }),
      }),
      fileChange('opt/grew-less', 'modified', {
        before: fileState({ size: MB }),
        after: fileState({ size: 9 * MB }),
      }),
      fileChange('opt/was-empty', 'modified', {
        before: fileState({ size: 0 }),
        after: fileState({ size: 10 * MB }),
      }),
    ];
    expect(paths('{ minSize: 10MB }', files)).toEqual(['opt/big', 'opt/grew', 'opt/was-empty']);
    expect(paths('{ minSize: 1MB, maxSize: 9.5MB }', files)).toEqual(['opt/grew-less']);
    expect(paths('{ ownerRoot: false }', files)).toEqual(['opt/big']);
    expect(messages('{ sizeGrowthFactor: 10 }', files)).toEqual([
      'opt/grew: modified non-packaged file, 10.0x larger (1.0 MB → 10.0 MB)',
    ]);
  });

  it('reports package files modified after install when asked', () => {
    const files = [
      fileChange('etc/ssl/openssl.cnf', 'modified', { ownership: 'package', modifiedAfterInstall: true }),
      fileChange('usr/lib/libx.so', 'modified', { ownership: 'package' }),
    ];
    expect(messages('{ modifiedAfterInstall: true }', files)).toEqual([
      'etc/ssl/openssl.cnf: modified packaged file, differs from what its package installed',
    ]);
  });
});
