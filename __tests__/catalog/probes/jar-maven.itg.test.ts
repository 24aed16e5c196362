import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jarMavenProbe } from '../../../src/catalog/probes/jar-maven.js';
import { feed } from '../../helpers/zip.js';

function hasJar(): boolean {
  try {
    execFileSync('jar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = hasJar();
if (!available) console.warn('jar-maven.itg: the JDK `jar` tool is not installed; skipping');

describe.skipIf(!available)('jar-maven probe on archives from the JDK jar tool', () => {
  it('reads coordinates from a jar whose entries all use data descriptors', () => {
    const dir = mkdtempSync('/tmp/jar-maven-');
    try {
      mkdirSync(join(dir, 'META-INF/maven/com.acme/widget'), { recursive: true });
      writeFileSync(
        join(dir, 'META-INF/maven/com.acme/widget/pom.properties'),
        'version=3.4.5\ngroupId=com.acme\nartifactId=widget\n',
      );
      writeFileSync(join(dir, 'Widget.txt'), 'x'.repeat(10_000));
      execFileSync('jar', ['cf', join(dir, 'w.jar'), '-C', dir, 'META-INF', '-C', dir, 'Widget.txt']);
      const buf = readFileSync(join(dir, 'w.jar'));
      // The jar tool streams its output: every entry has flag bit 3 and a signed descriptor.
      expect(buf.readUInt16LE(6) & 8).toBe(8);
      for (const chunk of [1, 512, buf.length]) {
        const run = jarMavenProbe.start('w.jar', buf.length);
        feed(run, buf, chunk);
        const info = run.end();
        expect(info?.poms.map((p) => `${p.groupId}:${p.artifactId}:${p.version}`)).toEqual([
          'com.acme:widget:3.4.5',
        ]);
        expect(info?.manifest?.version).toBeUndefined();
        expect(info?.problems).toBeUndefined();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
