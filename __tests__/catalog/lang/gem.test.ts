import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogGems, gemCataloger, parseGemspec } from '../../../src/catalog/lang/gem.js';
import { catalogContext } from '../../helpers/catalog-context.js';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../fixtures/lang/gem/${name}`, import.meta.url));
const home = 'usr/local/bundle';

describe('gem cataloger', () => {
  it('reads generated gemspecs and owns the gem folder, extensions, cached .gem and bin wrappers', () => {
    const ctx = catalogContext(
      [
        {
          path: `${home}/specifications/rake-13.0.6.gemspec`,
          content: fixture('rake-13.0.6.gemspec'),
          layer: 1,
        },
        { path: `${home}/gems/rake-13.0.6/exe/rake`, content: '#!/usr/bin/env ruby', mode: 0o755 },
        { path: `${home}/gems/rake-13.0.6/lib/rake.rb`, content: 'module Rake; end' },
        { path: `${home}/cache/rake-13.0.6.gem`, content: 'tar' },
        { path: `${home}/bin/rake`, content: '#!/usr/bin/env ruby\n# wrapper', mode: 0o755 },
        {
          path: `${home}/specifications/json-2.6.3.gemspec`,
          content: fixture('json-2.6.3.gemspec'),
          layer: 2,
        },
        { path: `${home}/gems/json-2.6.3/lib/json.rb`, content: 'j' },
        { path: `${home}/extensions/x86_64-linux/3.2.0/json-2.6.3/json/ext/parser.so`, content: 'ELF' },
        { path: `${home}/extensions/x86_64-linux/3.2.0/json-2.6.3/gem.build_complete`, content: '' },
        {
          path: `${home}/specifications/nokogiri-1.15.4-x86_64-linux.gemspec`,
          content: fixture('nokogiri-1.15.4-x86_64-linux.gemspec'),
        },
        { path: `${home}/gems/nokogiri-1.15.4-x86_64-linux/lib/nokogiri.rb`, content: 'n' },
        { path: `${home}/gems/nokogiri-1.15.4/lib/other-platform.rb`, content: 'not this one' },
      ],
      { captureGlobs: gemCataloger.globs },
    );
    const { packages, problems } = catalogGems(ctx);
    expect(problems).toEqual([]);
    expect(packages.map((p) => [p.name, p.version, p.arch, p.license, p.layer])).toEqual([
      ['json', '2.6.3', undefined, 'Ruby', 2],
      ['nokogiri', '1.15.4', 'x86_64-linux', 'MIT', 0],
      ['rake', '13.0.6', undefined, 'MIT', 1],
    ]);
    const files = (name: string): string[] =>
      packages.find((p) => p.name === name)?.files.map((f) => f.path) ?? [];
    expect(files('rake')).toEqual([
      `${home}/bin/rake`,
      `${home}/cache/rake-13.0.6.gem`,
      `${home}/gems/rake-13.0.6/exe/rake`,
      `${home}/gems/rake-13.0.6/lib/rake.rb`,
      `${home}/specifications/rake-13.0.6.gemspec`,
    ]);
    expect(files('json')).toEqual([
      `${home}/extensions/x86_64-linux/3.2.0/json-2.6.3/gem.build_complete`,
      `${home}/extensions/x86_64-linux/3.2.0/json-2.6.3/json/ext/parser.so`,
      `${home}/gems/json-2.6.3/lib/json.rb`,
      `${home}/specifications/json-2.6.3.gemspec`,
    ]);
    expect(files('nokogiri')).toEqual([
      `${home}/gems/nokogiri-1.15.4-x86_64-linux/lib/nokogiri.rb`,
      `${home}/specifications/nokogiri-1.15.4-x86_64-linux.gemspec`,
    ]);
  });

  it('parses hand-written forms: other block variable, single quotes, Gem::Version, license', () => {
    const spec = parseGemspec(
      `Gem::Specification.new do |spec|\n  spec.name    = 'mygem'\n  spec.version = Gem::Version.new('0.1.0')\n  spec.license = 'Apache-2.0'\nend\n`,
    );
    expect(spec).toEqual({ name: 'mygem', version: '0.1.0', licenses: ['Apache-2.0'], executables: [] });
  });

  it('falls back to the stub line, and reports gemspecs without name or version', () => {
    expect(parseGemspec('# stub: tiny 0.0.1 ruby lib\n').version).toBe('0.0.1');
    const ctx = catalogContext(
      [
        {
          path: 'var/lib/gems/3.1.0/specifications/evil-1.gemspec',
          content: 'system("rm -rf /")\n',
          layer: 7,
        },
        { path: 'var/lib/gems/3.1.0/specifications/bin-1.gemspec', content: Buffer.from([0, 1, 2, 3]) },
        {
          path: 'var/lib/gems/3.1.0/specifications/rake-13.0.6.gemspec',
          content: fixture('rake-13.0.6.gemspec'),
        },
      ],
      { captureGlobs: gemCataloger.globs },
    );
    const { packages, problems } = catalogGems(ctx);
    expect(packages.map((p) => p.name)).toEqual(['rake']);
    expect(problems.map((p) => [p.code, p.path, p.layer])).toEqual([
      ['GEMSPEC_INVALID', 'var/lib/gems/3.1.0/specifications/bin-1.gemspec', 0],
      ['GEMSPEC_INVALID', 'var/lib/gems/3.1.0/specifications/evil-1.gemspec', 7],
    ]);
  });
  it('reads default gems and counts a gem once per name and version, with every path it was found at', () => {
    const lib = 'usr/lib/ruby/gems/3.1.0';
    const spec = (name: string, version: string) =>
      `# -*- encoding: utf-8 -*-\n# stub: ${name} ${version} ruby lib\n\nGem::Specification.new do |s|\n  s.name = "${name}".freeze\n  s.version = "${version}"\nend\n`;
    const ctx = catalogContext(
      [
        { path: `${lib}/specifications/default/json-2.6.1.gemspec`, content: spec('json', '2.6.1') },
        { path: `${lib}/specifications/default/erb-2.2.3.gemspec`, content: spec('erb', '2.2.3') },
        { path: `${lib}/gems/erb-2.2.3/libexec/erb`, content: 'x' },
        // A regular json of the same version in another gem path: RubyGems lists it once.
        { path: 'var/lib/gems/3.1.0/specifications/json-2.6.1.gemspec', content: spec('json', '2.6.1') },
        { path: 'var/lib/gems/3.1.0/gems/json-2.6.1/lib/json.rb', content: 'x' },
        // A newer regular json: a second version, as `gem list` shows "json (2.7.1, default: 2.6.1)".
        { path: 'var/lib/gems/3.1.0/specifications/json-2.7.1.gemspec', content: spec('json', '2.7.1') },
      ],
      { captureGlobs: gemCataloger.globs },
    );
    const { packages, problems } = catalogGems(ctx);
    expect(problems).toEqual([]);
    expect(packages.map((p) => [p.name, p.version, p.location, p.locations, p.metadata])).toEqual([
      ['erb', '2.2.3', `${lib}/specifications/default/erb-2.2.3.gemspec`, undefined, { default: 'true' }],
      [
        'json',
        '2.6.1',
        `${lib}/specifications/default/json-2.6.1.gemspec`,
        [
          `${lib}/specifications/default/json-2.6.1.gemspec`,
          'var/lib/gems/3.1.0/specifications/json-2.6.1.gemspec',
        ],
        undefined,
      ],
      ['json', '2.7.1', 'var/lib/gems/3.1.0/specifications/json-2.7.1.gemspec', undefined, undefined],
    ]);
    expect(packages[0]?.files.map((f) => f.path)).toEqual([
      `${lib}/gems/erb-2.2.3/libexec/erb`,
      `${lib}/specifications/default/erb-2.2.3.gemspec`,
    ]);
    expect(packages[1]?.files.map((f) => f.path)).toEqual([
      `${lib}/specifications/default/json-2.6.1.gemspec`,
      'var/lib/gems/3.1.0/gems/json-2.6.1/lib/json.rb',
      'var/lib/gems/3.1.0/specifications/json-2.6.1.gemspec',
    ]);
  });
  it('reads gemspecs of gems with extensions, whose second stub line separates them with NULs', () => {
    const text =
      '# -*- encoding: utf-8 -*-\n# stub: digest 3.1.0 ruby lib\n# stub: ext/digest/extconf.rb\0ext/digest/md5/extconf.rb\n\n' +
      'Gem::Specification.new do |s|\n  s.name = "digest".freeze\n  s.version = "3.1.0"\nend\n';
    expect(parseGemspec(text)).toMatchObject({ name: 'digest', version: '3.1.0' });
    expect(() => parseGemspec(`s.name = "x"\ns.version = "1"\n\0\0`)).toThrow(/binary content/);
  });
});
