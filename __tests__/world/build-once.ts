import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Runs an image build script into `dir` unless a build by the same script (same bytes) is already
 * there: a `.complete` stamp holds the script's SHA-256. Needs root and the network, as the scripts do.
 */
export function buildOnce(script: string, dir: string, what: string): void {
  const stamp = `${dir}/.complete`;
  const want = createHash('sha256').update(readFileSync(script)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  process.stderr.write(`building ${what} (once; cached in .cache/${basename(dir)})...\n`);
  execFileSync('bash', [script, dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(stamp, `${want}\n`);
}
