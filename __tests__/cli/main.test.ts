import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { runCli } from '../helpers/run-cli.js';

const examples = resolve(import.meta.dirname, '../../examples');
const v1 = `oci-archive:${join(examples, 'v1.oci.tar')}`;
const v2 = `oci-archive:${join(examples, 'v2.oci.tar')}`;

const run = runCli;

describe('cli main', () => {
  it('prints the version', async () => {
    expect((await run(['--version'])).out).toBe(`${VERSION}\n`);
  });

  it('diffs the example images as JSON and exits 0 without --exit-code', async () => {
    const r = await run(['diff', v1, v2, '--format', 'json', '--no-cache']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { packages: Array<{ name: string; kind: string }> };
    expect(report.packages.map((p) => `${p.kind} ${p.name}`).sort()).toEqual([
      'added ca-certificates',
      'removed netbase',
      'upgraded tzdata',
    ]);
  });

  it('exits 1 with --exit-code when something changed, 0 when nothing did', async () => {
    expect((await run(['diff', v1, v2, '--exit-code', '--format', 'text', '--no-cache'])).code).toBe(1);
    expect((await run(['diff', v1, v1, '--exit-code', '--format', 'text', '--no-cache'])).code).toBe(0);
  });

  it('exits 2 when the policy says stop and names the violation on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const policy = join(dir, 'policy.yml');
    writeFileSync(
      policy,
      'rules:\n  - id: no-new-certs\n    description: no ca-certificates\n    action: stop\n    packages:\n      name: [ca-certificates]\n      change: [added]\n',
    );
    const r = await run(['diff', v1, v2, '--policy', policy, '--format', 'text', '--no-cache']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('no-new-certs');
  });

  it('writes the output file atomically and nothing to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'changelog.md');
    const r = await run(['diff', v1, v2, '-o', file, '--no-cache']);
    expect(r.out).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/^### Image changelog/);
    expect(readdirSync(dir)).toEqual(['changelog.md']);
  });

  it('answers bad input with one line and exit code 3, never a stack trace', async () => {
    for (const argv of [
      ['diff', v1, join(examples, 'missing.tar')],
      ['diff', v1, v2, '--platform', 'linux'],
      ['inspect', 'oci:/nonexistent/dir'],
      ['policy', 'check', join(examples, 'v1.oci.tar')],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(3);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^image-changelog: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('keeps captured files within --max-capture-total, saying which were left out', async () => {
    type Report = { packages: unknown[]; problems?: Array<{ code: string }> };
    const full = JSON.parse((await run(['diff', v1, v2, '--format', 'json', '--no-cache'])).out) as Report;
    const r = await run(['diff', v1, v2, '--format', 'json', '--no-cache', '--max-capture-total', '1KiB']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as Report;
    expect(full.problems).toBeUndefined();
    const over = (report.problems ?? []).filter((p) => p.code === 'CAPTURE_BUDGET_EXCEEDED');
    expect(over.length).toBeGreaterThan(0);
    expect(over[0]).toMatchObject({
      image: expect.stringMatching(/^(before|after)$/),
      path: expect.any(String),
    });
    // Without its package database the package list is no longer what it was: the bound is real,
    // and the first screen says the changelog may be wrong there instead of passing it off silently.
    expect(report.packages).not.toEqual(full.packages);
    const md = await run(['diff', v1, v2, '--no-cache', '--max-capture-total', '1KiB']);
    const first = md.out.slice(0, md.out.indexOf('<details'));
    expect(first).toMatch(/⚠️ \*\*\d+ problems reading the images\*\*: `CAPTURE_BUDGET_EXCEEDED` ×\d+ \(/);
    const text = await run(['diff', v1, v2, '--no-cache', '--format', 'text', '--max-capture-total', '1KiB']);
    expect(text.out).toMatch(/\d+ problems reading the images: CAPTURE_BUDGET_EXCEEDED x\d+/);
  });

  it('refuses a platform a single-platform image lacks, listing the ones it has', async () => {
    for (const argv of [
      ['diff', v1, v2, '--platform', 'linux/arm64', '--no-cache'],
      ['inspect', v1, '--platform', 'linux/arm64', '--no-cache'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(3);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(
        /^image-changelog: platform linux\/arm64 is not available in .*v[12]\.oci\.tar; available: linux\/amd64 /,
      );
    }
  });

  it('says "no such file" for a missing ./app.tar or app.tar, and asks no registry', async () => {
    for (const ref of ['./app.tar', 'app.tar']) {
      expect(existsSync(ref), `${ref} must not exist in ${process.cwd()} for this test`).toBe(false);
      for (const argv of [
        ['inspect', ref, '--no-cache'],
        ['diff', ref, v2, '--no-cache'],
      ]) {
        const r = await run(argv);
        expect(r.code, argv.join(' ')).toBe(3);
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(r.err).toContain(`cannot open image "${ref}": no such file or directory: ${ref}`);
        // Not looked up on Docker Hub (which would answer with a registry error, or none offline).
        expect(r.err).not.toMatch(/docker\.io|registry-1|REPOSITORY|unreachable|denied/i);
      }
    }
  });

  it('uses and fills the layer cache', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cli-cache-'));
    const first = await run(['inspect', v2, '--json', '--cache-dir', cache]);
    const second = await run(['inspect', v2, '--json', '--cache-dir', cache]);
    expect(first.code).toBe(0);
    expect(readdirSync(cache).filter((f) => f.endsWith('.idx'))).toHaveLength(1);
    expect(JSON.parse(second.out)).toEqual(JSON.parse(first.out));
  });
});
