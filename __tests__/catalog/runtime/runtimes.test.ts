import { describe, expect, it } from 'vitest';
import { catalogGoRuntime } from '../../../src/catalog/runtime/go.js';
import { catalogJava } from '../../../src/catalog/runtime/java.js';
import { catalogNode, parseNodeVersionHeader } from '../../../src/catalog/runtime/node.js';
import { catalogPython } from '../../../src/catalog/runtime/python.js';
import { catalogRuby } from '../../../src/catalog/runtime/ruby.js';
import { runtimeCatalogers } from '../../../src/catalog/runtime/index.js';
import type { CatalogResult } from '../../../src/catalog/types.js';
import { catalogContext, type TreeSpec } from '../../helpers/catalog-context.js';

const captureGlobs = runtimeCatalogers.flatMap((c) => c.globs);
const ctx = (specs: TreeSpec[]) => catalogContext(specs, { captureGlobs });
const owned = (r: CatalogResult, i = 0) => r.packages[i]?.files.map((f) => f.path);
const summary = (r: CatalogResult) =>
  r.packages.map((p) => [p.ecosystem, p.name, p.version, p.location, p.metadata?.versionFile]);

const nodeHeader = (major: number, minor: number, patch: number, release = 1) =>
  `#ifndef SRC_NODE_VERSION_H_\n#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n` +
  `#define NODE_PATCH_VERSION ${patch}\n\n#define NODE_VERSION_IS_LTS 1\n#define NODE_VERSION_IS_RELEASE ${release}\n`;

describe('runtime catalogers', () => {
  it('names Node.js from node_version.h and owns its tree, not the rest of /usr/local', () => {
    const r = catalogNode(
      ctx([
        { path: 'usr/local/include/node/node_version.h', content: nodeHeader(20, 20, 2), layer: 1 },
        { path: 'usr/local/include/node/v8.h', content: 'x' },
        {
          path: 'usr/local/bin/node',
          content: 'ELF',
          mode: 0o755,
          probes: { 'binary-identity': { node: '20.20.2' } },
        },
        { path: 'usr/local/bin/npm', type: 'symlink', link: '../lib/node_modules/npm/bin/npm-cli.js' },
        { path: 'usr/local/share/doc/node/gdbinit', content: 'x' },
        { path: 'usr/local/share/man/man1/node.1', content: 'x' },
        { path: 'usr/local/bin/my-tool', content: 'mine' },
      ]),
    );
    expect(summary(r)).toEqual([
      ['runtime', 'node', '20.20.2', 'usr/local', 'usr/local/include/node/node_version.h'],
    ]);
    expect(r.packages[0]?.layer).toBe(1);
    expect(r.packages[0]?.metadata?.binaryVersion).toBe('20.20.2');
    expect(owned(r)).toEqual([
      'usr/local/bin/node',
      'usr/local/bin/npm',
      'usr/local/include/node/node_version.h',
      'usr/local/include/node/v8.h',
      'usr/local/share/doc/node/gdbinit',
      'usr/local/share/man/man1/node.1',
    ]);
    expect(r.problems).toEqual([]);
  });

  it('names a headerless Node.js by its binary, and says when binary and header disagree', () => {
    const r = catalogNode(
      ctx([
        {
          path: 'nodejs/bin/node',
          content: 'ELF',
          mode: 0o755,
          probes: { 'binary-identity': { node: '22.1.0' } },
        },
        { path: 'opt/n/include/node/node_version.h', content: nodeHeader(21, 0, 0, 0) },
        {
          path: 'opt/n/bin/node',
          content: 'ELF',
          mode: 0o755,
          probes: { 'binary-identity': { node: '21.1.0' } },
        },
      ]),
    );
    expect(summary(r)).toEqual([
      ['runtime', 'node', '21.0.0-pre', 'opt/n', 'opt/n/include/node/node_version.h'],
      ['runtime', 'node', '22.1.0', 'nodejs', 'nodejs/bin/node'],
    ]);
    expect(r.problems.map((p) => [p.code, p.path])).toEqual([['RUNTIME_VERSION_MISMATCH', 'opt/n/bin/node']]);
    expect(() => parseNodeVersionHeader('#define NODE_MAJOR_VERSION x')).toThrow(/NODE_MAJOR/);
  });

  it('names CPython from patchlevel.h and owns its stdlib but not site-packages', () => {
    const r = catalogPython(
      ctx([
        {
          path: 'usr/local/include/python3.12/patchlevel.h',
          content: '#define PY_MAJOR_VERSION 3\n#define PY_VERSION "3.12.8"\n',
        },
        { path: 'usr/local/lib/python3.12/os.py', content: 'x' },
        { path: 'usr/local/lib/python3.12/site-packages/pip/__init__.py', content: 'x' },
        { path: 'usr/local/lib/libpython3.12.so.1.0', content: 'x' },
        { path: 'usr/local/lib/libssl.so', content: 'x' },
        { path: 'usr/local/bin/python3.12', content: 'x' },
        { path: 'usr/local/bin/python3', type: 'symlink', link: 'python3.12' },
        { path: 'usr/local/bin/pip', content: 'x' },
      ]),
    );
    expect(summary(r)).toEqual([
      ['runtime', 'python', '3.12.8', 'usr/local', 'usr/local/include/python3.12/patchlevel.h'],
    ]);
    expect(owned(r)).toEqual([
      'usr/local/bin/python3',
      'usr/local/bin/python3.12',
      'usr/local/include/python3.12/patchlevel.h',
      'usr/local/lib/libpython3.12.so.1.0',
      'usr/local/lib/python3.12/os.py',
    ]);
  });

  it("names a headerless CPython (slim images) by the interpreter's own PY_VERSION, only beside its stdlib", () => {
    const id = (python: string) => ({ 'binary-identity': { python } });
    const r = catalogPython(
      ctx([
        { path: 'usr/local/lib/python3.12/os.py', content: 'x' },
        { path: 'usr/local/lib/python3.12/site-packages/pip/__init__.py', content: 'x' },
        { path: 'usr/local/lib/libpython3.12.so.1.0', content: 'x', probes: id('3.12.8') },
        { path: 'usr/local/bin/python3.12', content: 'x', probes: id('3.12.8') },
        { path: 'usr/local/bin/python3', type: 'symlink', link: 'python3.12' },
        // A stray interpreter with no standard library beside it is not an installation.
        { path: 'opt/tool/bin/python3.11', content: 'x', probes: id('3.11.4') },
      ]),
    );
    expect(summary(r)).toEqual([['runtime', 'python', '3.12.8', 'usr/local', 'usr/local/bin/python3.12']]);
    expect(owned(r)).toEqual([
      'usr/local/bin/python3',
      'usr/local/bin/python3.12',
      'usr/local/lib/libpython3.12.so.1.0',
      'usr/local/lib/python3.12/os.py',
    ]);
    expect(r.problems).toEqual([]);
  });

  it('keeps patchlevel.h as the record where headers exist, the binary as a second witness that must agree', () => {
    const files = (binary: string) =>
      ctx([
        { path: 'usr/local/include/python3.12/patchlevel.h', content: '#define PY_VERSION "3.12.8"\n' },
        { path: 'usr/local/lib/python3.12/os.py', content: 'x' },
        { path: 'usr/local/bin/python3.12', content: 'x', probes: { 'binary-identity': { python: binary } } },
      ]);
    const same = catalogPython(files('3.12.8'));
    expect(summary(same)).toEqual([
      ['runtime', 'python', '3.12.8', 'usr/local', 'usr/local/include/python3.12/patchlevel.h'],
    ]);
    expect(same.packages[0]?.metadata?.binaryVersion).toBe('3.12.8');
    expect(same.problems).toEqual([]);
    const other = catalogPython(files('3.12.9'));
    expect(other.packages.map((p) => p.version)).toEqual(['3.12.8']);
    expect(other.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'RUNTIME_VERSION_MISMATCH',
        'usr/local/bin/python3.12 says 3.12.9, usr/local/include/python3.12/patchlevel.h says 3.12.8',
      ],
    ]);
  });

  it('names Go from its VERSION file, only in a toolchain root', () => {
    const r = catalogGoRuntime(
      ctx([
        { path: 'usr/local/go/VERSION', content: 'go1.22.2\ntime 2024-03-29T15:27:02Z\n' },
        { path: 'usr/local/go/bin/go', content: 'x' },
        { path: 'usr/local/go/src/runtime/proc.go', content: 'x' },
        { path: 'srv/gopher/VERSION', content: 'go1.0\n' }, // no toolchain beside it
        { path: 'opt/go2/VERSION', content: 'v2 of something else\n' },
        { path: 'opt/go2/bin/go', content: 'x' },
      ]),
    );
    expect(summary(r)).toEqual([['runtime', 'go', '1.22.2', 'usr/local/go', 'usr/local/go/VERSION']]);
    expect(owned(r)).toEqual([
      'usr/local/go/VERSION',
      'usr/local/go/bin/go',
      'usr/local/go/src/runtime/proc.go',
    ]);
  });

  it('names a JDK from its release file', () => {
    const release =
      'IMPLEMENTOR="Eclipse Adoptium"\nIMPLEMENTOR_VERSION="Temurin-17.0.13+11"\nJAVA_RUNTIME_VERSION="17.0.13+11"\n' +
      'JAVA_VERSION="17.0.13"\nJAVA_VERSION_DATE="2024-10-15"\nIMAGE_TYPE="JRE"\nMODULES="java.base"\n';
    const r = catalogJava(
      ctx([
        { path: 'opt/java/openjdk/release', content: release },
        { path: 'opt/java/openjdk/bin/java', content: 'x' },
        { path: 'opt/java/openjdk/lib/modules', content: 'x' },
        { path: 'srv/docs/release', content: 'JAVA_VERSION="1"\n' }, // not a JDK home
      ]),
    );
    expect(summary(r)).toEqual([
      ['runtime', 'java', '17.0.13', 'opt/java/openjdk', 'opt/java/openjdk/release'],
    ]);
    expect(r.packages[0]?.metadata).toMatchObject({
      implementor: 'Eclipse Adoptium',
      runtimeVersion: '17.0.13+11',
      imageType: 'JRE',
    });
    expect(owned(r)).toEqual([
      'opt/java/openjdk/bin/java',
      'opt/java/openjdk/lib/modules',
      'opt/java/openjdk/release',
    ]);
  });

  it('names Ruby from the rbconfig.rb it installs', () => {
    const rbconfig =
      'module RbConfig\n  RUBY_VERSION.start_with?("3.3.") or\n    raise "ruby lib version (3.3.6) doesn\'t match"\n' +
      '  CONFIG = {}\n  CONFIG["MAJOR"] = "3"\n  CONFIG["MINOR"] = "3"\n  CONFIG["TEENY"] = "6"\n' +
      '  CONFIG["RUBY_PROGRAM_VERSION"] = "3.3.6"\n  CONFIG["arch"] = "x86_64-linux"\nend\n';
    const r = catalogRuby(
      ctx([
        { path: 'usr/local/lib/ruby/3.3.0/x86_64-linux/rbconfig.rb', content: rbconfig },
        { path: 'usr/local/lib/ruby/3.3.0/set.rb', content: 'x' },
        { path: 'usr/local/lib/ruby/gems/3.3.0/gems/rake-13.1.0/lib/rake.rb', content: 'x' },
        {
          path: 'usr/local/include/ruby-3.3.0/ruby/version.h',
          content: '#define RUBY_API_VERSION_MAJOR 3\n',
        },
        { path: 'usr/local/bin/ruby', content: 'x' },
        { path: 'usr/local/lib/libruby.so.3.3.6', content: 'x' },
      ]),
    );
    expect(summary(r)).toEqual([
      ['runtime', 'ruby', '3.3.6', 'usr/local', 'usr/local/lib/ruby/3.3.0/x86_64-linux/rbconfig.rb'],
    ]);
    expect(owned(r)).toEqual([
      'usr/local/bin/ruby',
      'usr/local/include/ruby-3.3.0/ruby/version.h',
      'usr/local/lib/libruby.so.3.3.6',
      'usr/local/lib/ruby/3.3.0/set.rb',
      'usr/local/lib/ruby/3.3.0/x86_64-linux/rbconfig.rb',
    ]);
  });

  it('turns an unreadable version record into one problem', () => {
    const r = catalogPython(
      ctx([{ path: 'usr/local/include/python3.11/patchlevel.h', content: '/* empty */' }]),
    );
    expect(r.packages).toEqual([]);
    expect(r.problems.map((p) => [p.code, p.path, p.message])).toEqual([
      [
        'RUNTIME_RECORD_INVALID',
        'usr/local/include/python3.11/patchlevel.h',
        'unreadable patchlevel.h: no PY_VERSION define',
      ],
    ]);
  });
});
