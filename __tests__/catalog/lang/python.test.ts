import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogPython, pythonCataloger } from '../../../src/catalog/lang/python.js';
import { parsePythonMetadata, parseRecord, splitCsvLine } from '../../../src/catalog/lang/python-metadata.js';
import { catalogContext, type TreeSpec } from '../../helpers/catalog-context.js';

const fixture = (rel: string): Buffer =>
  readFileSync(new URL(`../../fixtures/lang/python/${rel}`, import.meta.url));
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const globs = pythonCataloger.globs;
const site = 'usr/lib/python3/dist-packages';

function pyyaml(layer = 0): TreeSpec[] {
  const dir = `${site}/PyYAML-6.0.dist-info`;
  return ['METADATA', 'RECORD', 'WHEEL', 'top_level.txt'].map((f) => ({
    path: `${dir}/${f}`,
    content: fixture(`PyYAML-6.0.dist-info/${f}`),
    layer,
  }));
}

describe('python cataloger', () => {
  it('reads a Debian-built .dist-info: name, version, license, RECORD files with hex SHA-256', () => {
    const ctx = catalogContext([...pyyaml(2), { path: `${site}/yaml/__init__.py`, content: 'x' }], {
      captureGlobs: globs,
    });
    const { packages, problems } = catalogPython(ctx);
    expect(problems).toEqual([]);
    expect(packages).toHaveLength(1);
    const pkg = packages[0]!;
    expect([pkg.ecosystem, pkg.name, pkg.version, pkg.license, pkg.location, pkg.layer]).toEqual([
      'python',
      'PyYAML',
      '6.0',
      'MIT',
      `${site}/PyYAML-6.0.dist-info/METADATA`,
      2,
    ]);
    expect(pkg.files).toHaveLength(23);
    // RECORD digests are urlsafe base64; converted to hex they must equal the real content's SHA-256.
    for (const name of ['METADATA', 'WHEEL', 'top_level.txt']) {
      const file = pkg.files.find((f) => f.path === `${site}/PyYAML-6.0.dist-info/${name}`);
      expect(file?.digest).toEqual({
        algorithm: 'sha256',
        value: sha256(fixture(`PyYAML-6.0.dist-info/${name}`)),
      });
    }
    expect(
      pkg.files.find((f) => f.path === `${site}/yaml/_yaml.cpython-311-x86_64-linux-gnu.so`)?.digest?.value,
    ).toMatch(/^[0-9a-f]{64}$/);
    expect(pkg.files.find((f) => f.path === `${site}/PyYAML-6.0.dist-info/RECORD`)?.digest).toBeUndefined();
  });

  it('resolves RECORD paths that climb out of site-packages (console scripts)', () => {
    const dir = 'usr/local/lib/python3.13/site-packages/pip-24.2.dist-info';
    const ctx = catalogContext(
      [
        { path: `${dir}/METADATA`, content: fixture('pip-24.2.dist-info/METADATA') },
        { path: `${dir}/RECORD`, content: fixture('pip-24.2.dist-info/RECORD') },
      ],
      { captureGlobs: globs },
    );
    const [pkg] = catalogPython(ctx).packages;
    expect([pkg?.name, pkg?.version, pkg?.license]).toEqual(['pip', '24.2', 'MIT']);
    const paths = pkg?.files.map((f) => f.path) ?? [];
    expect(paths).toContain('usr/local/bin/pip3');
    expect(paths).toContain('usr/local/bin/pip3.13');
    expect(paths).toContain('usr/local/lib/python3.13/site-packages/pip/__init__.py');
  });

  it('reads .egg-info folders (with installed-files.txt, or SOURCES.txt filtered to existing files) and single-file .egg-info', () => {
    const egg = `${site}/PyJWT-2.6.0.egg-info`;
    const apt = `${site}/python_apt-2.6.0.egg-info`;
    const ctx = catalogContext(
      [
        { path: `${egg}/PKG-INFO`, content: fixture('PyJWT-2.6.0.egg-info/PKG-INFO') },
        { path: `${egg}/top_level.txt`, content: fixture('PyJWT-2.6.0.egg-info/top_level.txt') },
        { path: `${egg}/installed-files.txt`, content: '../jwt/__init__.py\n../jwt/api_jwt.py\n' },
        { path: `${site}/jwt/__init__.py`, content: 'a' },
        { path: `${apt}/PKG-INFO`, content: fixture('python_apt-2.6.0.egg-info/PKG-INFO') },
        { path: `${apt}/SOURCES.txt`, content: 'setup.py\napt/__init__.py\napt/missing.py\n' },
        { path: `${site}/apt/__init__.py`, content: 'b' },
        {
          path: 'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info',
          content: 'Metadata-Version: 1.1\nName: chardet\nVersion: 5.1.0\nLicense: LGPL\n',
        },
      ],
      { captureGlobs: globs },
    );
    const { packages, problems } = catalogPython(ctx);
    expect(problems).toEqual([]);
    const by = new Map(packages.map((p) => [p.name, p]));
    expect([...by.keys()].sort()).toEqual(['PyJWT', 'chardet', 'python-apt']);
    expect(by.get('PyJWT')?.files.map((f) => f.path)).toEqual([
      `${egg}/PKG-INFO`,
      `${egg}/installed-files.txt`,
      `${egg}/top_level.txt`,
      `${site}/jwt/__init__.py`,
      `${site}/jwt/api_jwt.py`,
    ]);
    expect(by.get('python-apt')?.files.map((f) => f.path)).toEqual([
      `${site}/apt/__init__.py`,
      `${apt}/PKG-INFO`,
      `${apt}/SOURCES.txt`,
    ]);
    expect(by.get('chardet')).toMatchObject({
      version: '5.1.0',
      license: 'LGPL',
      files: [{ path: 'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info' }],
    });
  });

  it('reports malformed METADATA and RECORD lines as problems, keeping the rest', () => {
    const dir = `${site}/bad-1.0.dist-info`;
    const ok = `${site}/ok-1.0.dist-info`;
    const ctx = catalogContext(
      [
        { path: `${dir}/METADATA`, content: 'Metadata-Version: 2.1\nSummary: no name here\n', layer: 3 },
        {
          path: `${site}/bin-1.0.dist-info/METADATA`,
          content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
        },
        { path: `${ok}/METADATA`, content: 'Name: ok\nVersion: 1.0\n' },
        {
          path: `${ok}/RECORD`,
          content:
            'ok.py,sha256=AAAA,1\n"broken,line\n../../../../../../etc/shadow,,\nok/x.py,sha256=not-a-digest,3\n',
          layer: 5,
        },
      ],
      { captureGlobs: globs },
    );
    const { packages, problems } = catalogPython(ctx);
    expect(packages.map((p) => p.name)).toEqual(['ok']);
    // A digest of the wrong length is dropped, the path kept; paths escaping the image are dropped.
    expect(packages[0]?.files.map((f) => [f.path, f.digest])).toEqual([
      [`${ok}/METADATA`, undefined],
      [`${ok}/RECORD`, undefined],
      [`${site}/ok.py`, undefined],
      [`${site}/ok/x.py`, undefined],
    ]);
    expect(problems.map((p) => [p.code, p.path, p.layer])).toEqual([
      ['PYTHON_METADATA_INVALID', `${dir}/METADATA`, 3],
      ['PYTHON_METADATA_INVALID', `${site}/bin-1.0.dist-info/METADATA`, 0],
      ['PYTHON_RECORD_INVALID', `${ok}/RECORD`, 5],
    ]);
    expect(problems[2]?.message).toMatch(/^2 unusable RECORD line/);
  });
});

describe('python metadata parsers', () => {
  it('splits CSV the way Python writes it (quotes, doubled quotes, commas in names)', () => {
    expect(splitCsvLine('a/b.py,sha256=x,12')).toEqual(['a/b.py', 'sha256=x', '12']);
    expect(splitCsvLine('"a,b.py","sha256=""x""",')).toEqual(['a,b.py', 'sha256="x"', '']);
    expect(() => splitCsvLine('"open')).toThrow(/unterminated/);
  });

  it('prefers License-Expression, ignores long license texts, falls back to classifiers', () => {
    expect(
      parsePythonMetadata('Name: a\nVersion: 1\nLicense-Expression: Apache-2.0\nLicense: whatever\n').license,
    ).toBe('Apache-2.0');
    expect(
      parsePythonMetadata(
        'Name: a\nVersion: 1\nLicense: Copyright (c)\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: BSD License\n',
      ).license,
    ).toBe('BSD License');
    expect(
      parsePythonMetadata('Name: a\nVersion: 1\n\nLicense: in the body, not a header\n').license,
    ).toBeUndefined();
  });

  it('converts every RECORD algorithm to hex of the right length', () => {
    const md5 = Buffer.alloc(16, 1).toString('base64url');
    const sha512 = Buffer.alloc(64, 2).toString('base64url');
    const { files } = parseRecord(`a,md5=${md5},1\nb,sha512=${sha512},1\nc,crc32=AAAA,1\n`, 'site');
    expect(files).toEqual([
      { path: 'site/a', digest: { algorithm: 'md5', value: '01'.repeat(16) } },
      { path: 'site/b', digest: { algorithm: 'sha512', value: '02'.repeat(64) } },
      { path: 'site/c' },
    ]);
  });
});
