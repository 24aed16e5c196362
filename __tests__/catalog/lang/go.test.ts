import { describe, expect, it } from 'vitest';
import { catalogGo } from '../../../src/catalog/lang/go.js';
import type { GoBuildInfo } from '../../../src/catalog/probes/go-buildinfo.js';
import { catalogContext } from '../../helpers/catalog-context.js';

const info: GoBuildInfo = {
  goVersion: 'go1.21.5',
  path: 'example.com/hello',
  main: { path: 'example.com/hello', version: '(devel)' },
  deps: [
    { path: 'golang.org/x/text', version: 'v0.14.0', sum: 'h1:abc=' },
    {
      path: 'example.com/old',
      version: 'v1.2.3',
      replace: { path: 'example.com/new', version: 'v1.2.4', sum: 'h1:new=' },
    },
    { path: 'example.com/local', version: 'v0.0.0', replace: { path: '../local' } },
  ],
};

describe('go cataloger', () => {
  it('turns build info into packages located at and owning the binary', () => {
    const ctx = catalogContext([
      {
        path: 'usr/local/bin/hello',
        content: 'ELF',
        mode: 0o755,
        layer: 2,
        probes: { 'go-buildinfo': info },
      },
      { path: 'usr/bin/plain', content: 'ELF', mode: 0o755 },
    ]);
    const { packages, problems } = catalogGo(ctx);
    expect(problems).toEqual([]);
    expect(
      packages.map((p) => [p.ecosystem, p.name, p.version, p.location, p.layer, p.files, p.metadata]),
    ).toEqual([
      [
        'go',
        'example.com/hello',
        '(devel)',
        'usr/local/bin/hello',
        2,
        [{ path: 'usr/local/bin/hello' }],
        { goVersion: 'go1.21.5', mainModule: 'true' },
      ],
      [
        'go',
        'golang.org/x/text',
        'v0.14.0',
        'usr/local/bin/hello',
        2,
        [{ path: 'usr/local/bin/hello' }],
        { goVersion: 'go1.21.5', sum: 'h1:abc=' },
      ],
      [
        'go',
        'example.com/old',
        'v1.2.4',
        'usr/local/bin/hello',
        2,
        [{ path: 'usr/local/bin/hello' }],
        { goVersion: 'go1.21.5', sum: 'h1:new=', replacedBy: 'example.com/new v1.2.4' },
      ],
      [
        'go',
        'example.com/local',
        'v0.0.0',
        'usr/local/bin/hello',
        2,
        [{ path: 'usr/local/bin/hello' }],
        { goVersion: 'go1.21.5', replacedBy: '../local' },
      ],
    ]);
  });

  it('reports unreadable or malformed build info as problems tied to the binary', () => {
    const ctx = catalogContext([
      {
        path: 'bin/old',
        content: 'ELF',
        mode: 0o755,
        layer: 1,
        probes: { 'go-buildinfo': { deps: [], problem: 'build info truncated: the file ends inside it' } },
      },
      {
        path: 'bin/weird',
        content: 'ELF',
        mode: 0o755,
        probes: { 'go-buildinfo': 'garbage from a bad cache entry' },
      },
    ]);
    const { packages, problems } = catalogGo(ctx);
    expect(packages).toEqual([]);
    expect(problems.map((p) => [p.code, p.path, p.layer])).toEqual([
      ['GO_BUILDINFO_UNREADABLE', 'bin/old', 1],
      ['GO_BUILDINFO_INVALID', 'bin/weird', 0],
    ]);
  });
});
