import { describe, expect, it } from 'vitest';
import { catalogMaven } from '../../../src/catalog/lang/maven.js';
import type { JarMavenInfo } from '../../../src/catalog/probes/jar-maven.js';
import { catalogContext } from '../../helpers/catalog-context.js';

describe('maven cataloger', () => {
  it('makes groupId:artifactId packages from pom.properties, manifest fallback otherwise, and reports archive problems', () => {
    const shaded: JarMavenInfo = {
      poms: [
        {
          groupId: 'com.acme',
          artifactId: 'app',
          version: '1.0.0',
          path: 'META-INF/maven/com.acme/app/pom.properties',
        },
        {
          groupId: 'org.slf4j',
          artifactId: 'slf4j-api',
          version: '2.0.9',
          path: 'META-INF/maven/org.slf4j/slf4j-api/pom.properties',
        },
      ],
      manifest: { title: 'ignored when poms exist', version: '0' },
    };
    const osgi: JarMavenInfo = {
      poms: [],
      manifest: { bundleName: 'org.example.bundle;singleton:=true', bundleVersion: '3.2.1' },
    };
    const bad: JarMavenInfo = {
      poms: [],
      problems: ['META-INF/maven/x/y/pom.properties: entry inflates to more than 65536 bytes'],
    };
    const ctx = catalogContext([
      { path: 'opt/app/app.jar', content: 'PK', layer: 4, probes: { 'jar-maven': shaded } },
      { path: 'opt/app/lib/bundle.jar', content: 'PK', probes: { 'jar-maven': osgi } },
      { path: 'opt/app/lib/bomb.jar', content: 'PK', layer: 2, probes: { 'jar-maven': bad } },
      {
        path: 'opt/app/lib/nothing.jar',
        content: 'PK',
        probes: { 'jar-maven': { poms: [], manifest: { title: 'no version' } } },
      },
    ]);
    const { packages, problems } = catalogMaven(ctx);
    expect(
      packages.map((p) => [p.ecosystem, p.name, p.version, p.location, p.layer, p.files.map((f) => f.path)]),
    ).toEqual([
      ['maven', 'com.acme:app', '1.0.0', 'opt/app/app.jar', 4, ['opt/app/app.jar']],
      ['maven', 'org.slf4j:slf4j-api', '2.0.9', 'opt/app/app.jar', 4, ['opt/app/app.jar']],
      ['maven', 'org.example.bundle', '3.2.1', 'opt/app/lib/bundle.jar', 0, ['opt/app/lib/bundle.jar']],
    ]);
    expect(packages[2]?.metadata).toEqual({ identifiedBy: 'MANIFEST.MF' });
    expect(problems).toEqual([
      {
        code: 'MAVEN_ARCHIVE_INVALID',
        path: 'opt/app/lib/bomb.jar',
        layer: 2,
        message: 'Java archive: META-INF/maven/x/y/pom.properties: entry inflates to more than 65536 bytes',
      },
    ]);
  });
  it('names nested archives at outer!/inner, and archives without coordinates by their file name', () => {
    const war: JarMavenInfo = {
      poms: [],
      nested: 2,
      archives: [
        {
          path: 'WEB-INF/lib/commons-lang3-3.12.0.jar',
          poms: [
            {
              groupId: 'org.apache.commons',
              artifactId: 'commons-lang3',
              version: '3.12.0',
              path: 'META-INF/maven/org.apache.commons/commons-lang3/pom.properties',
            },
          ],
        },
        { path: 'WEB-INF/lib/plain-2.3.1.jar', poms: [] },
        { path: 'WEB-INF/lib/noversion.jar', poms: [] },
      ],
    };
    const ctx = catalogContext([
      { path: 'srv/app.war', content: 'PK', layer: 3, probes: { 'jar-maven': war } },
      { path: 'srv/lib/tool-1.0.0-SNAPSHOT.jar', content: 'PK', probes: { 'jar-maven': { poms: [] } } },
    ]);
    const { packages, problems } = catalogMaven(ctx);
    expect(problems).toEqual([]);
    expect(
      packages.map((p) => [
        p.name,
        p.version,
        p.location,
        p.layer,
        p.files.map((f) => f.path),
        p.metadata?.identifiedBy,
        p.metadata?.nestedIn,
      ]),
    ).toEqual([
      [
        'org.apache.commons:commons-lang3',
        '3.12.0',
        'srv/app.war!/WEB-INF/lib/commons-lang3-3.12.0.jar',
        3,
        ['srv/app.war'],
        'pom.properties',
        'srv/app.war',
      ],
      [
        'plain',
        '2.3.1',
        'srv/app.war!/WEB-INF/lib/plain-2.3.1.jar',
        3,
        ['srv/app.war'],
        'file name',
        'srv/app.war',
      ],
      [
        'tool',
        '1.0.0-SNAPSHOT',
        'srv/lib/tool-1.0.0-SNAPSHOT.jar',
        0,
        ['srv/lib/tool-1.0.0-SNAPSHOT.jar'],
        'file name',
        undefined,
      ],
    ]);
  });
});
