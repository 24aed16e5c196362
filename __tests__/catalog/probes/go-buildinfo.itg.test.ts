import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goBuildInfoProbe } from '../../../src/catalog/probes/go-buildinfo.js';
import { catalogGo } from '../../../src/catalog/lang/go.js';
import { catalogContext } from '../../helpers/catalog-context.js';
import { feed } from '../../helpers/zip.js';

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = goAvailable();
if (!available)
  console.warn('go-buildinfo.itg: `go` is not installed (apt-get install -y golang-go); skipping');

/** What `go version -m` prints, read line by line (our reference, independent of the probe's parser). */
function reference(binary: string): { goVersion: string; lines: string[][] } {
  const out = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  const [first = '', ...rest] = out.split('\n');
  return {
    goVersion: first.slice(first.lastIndexOf(': ') + 2).trim(),
    lines: rest.filter((l) => l.startsWith('\t')).map((l) => l.slice(1).split('\t')),
  };
}

function probeFile(
  path: string,
  chunk: number,
): ReturnType<ReturnType<typeof goBuildInfoProbe.start>['end']> {
  const buf = readFileSync(path);
  expect(goBuildInfoProbe.matches(path, buf.length, statSync(path).mode)).toBe(true);
  const run = goBuildInfoProbe.start(path, buf.length);
  feed(run, buf, chunk);
  return run.end();
}

describe.skipIf(!available)('go-buildinfo probe on real Go binaries', () => {
  const dir = mkdtempSync('/tmp/go-buildinfo-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('agrees with `go version -m` on a freshly built module with a replaced dependency', () => {
    mkdirSync(join(dir, 'lib'));
    writeFileSync(
      join(dir, 'go.mod'),
      'module example.com/hello\n\ngo 1.18\n\nrequire example.com/greet v1.2.3\n\nreplace example.com/greet => ./lib\n',
    );
    writeFileSync(
      join(dir, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"example.com/greet"\n)\n\nfunc main() { fmt.Println(greet.Hello()) }\n',
    );
    writeFileSync(join(dir, 'lib/go.mod'), 'module example.com/greet\n\ngo 1.18\n');
    writeFileSync(join(dir, 'lib/greet.go'), 'package greet\n\nfunc Hello() string { return "hello" }\n');
    const env = {
      ...process.env,
      GOPROXY: 'off',
      GOFLAGS: '-mod=mod',
      GOCACHE: join(dir, 'cache'),
      GOPATH: join(dir, 'gopath'),
      CGO_ENABLED: '0',
    };
    execFileSync('go', ['build', '-o', 'hello', '.'], { cwd: dir, env, stdio: 'pipe' });
    const binary = join(dir, 'hello');
    const ref = reference(binary);
    const mod = ref.lines.find((l) => l[0] === 'mod');
    const dep = ref.lines.find((l) => l[0] === 'dep');
    const replaced = ref.lines.find((l) => l[0] === '=>');
    expect([mod?.[1], dep?.[1], dep?.[2], replaced?.[1]]).toEqual([
      'example.com/hello',
      'example.com/greet',
      'v1.2.3',
      './lib',
    ]);
    for (const chunk of [65536, 4093]) {
      const info = probeFile(binary, chunk);
      expect(info?.problem).toBeUndefined();
      expect(info?.goVersion).toBe(ref.goVersion);
      expect(info?.path).toBe(ref.lines.find((l) => l[0] === 'path')?.[1]);
      expect(info?.main).toEqual({ path: mod?.[1], version: mod?.[2] });
      expect(info?.deps).toEqual([
        { path: dep?.[1], version: dep?.[2], replace: { path: replaced?.[1], version: replaced?.[2] } },
      ]);
    }
    const ctx = catalogContext([
      {
        path: 'usr/local/bin/hello',
        content: 'x',
        mode: 0o755,
        layer: 1,
        probes: { 'go-buildinfo': probeFile(binary, 65536) },
      },
    ]);
    expect(catalogGo(ctx).packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'example.com/hello@(devel)',
      'example.com/greet@v1.2.3',
    ]);
  });

  const toolDirs = readdirSync('/usr/lib')
    .filter((d) => /^go-\d/.test(d))
    .map((d) => `/usr/lib/${d}/bin/go`)
    .filter((p) => existsSync(p));
  it.skipIf(toolDirs.length === 0)(
    'agrees with `go version -m` on the Debian-packaged go command (which also holds the magic as a string)',
    () => {
      for (const binary of toolDirs) {
        const ref = reference(binary);
        const info = probeFile(binary, 65536);
        expect(info?.goVersion).toBe(ref.goVersion);
        expect(info?.path).toBe(ref.lines.find((l) => l[0] === 'path')?.[1]);
        expect(info?.deps.map((d) => [d.path, d.version])).toEqual(
          ref.lines.filter((l) => l[0] === 'dep').map((l) => [l[1], l[2]]),
        );
      }
    },
  );

  it('reports a real binary cut inside its build info as truncated', () => {
    const binary = join(dir, 'hello');
    const buf = readFileSync(binary);
    const at = buf.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    const run = goBuildInfoProbe.start('cut', at + 40);
    feed(run, buf.subarray(0, at + 40), 8192);
    expect(run.end()?.problem).toMatch(/truncated/);
  });
});
