/**
 * `node --import tsx bench/probe-cost.ts ROOTFS...`: what the content probes behind the runtime and
 * self-named binary catalogers cost on a real image's files, side by side with the SHA-256 every
 * regular file gets anyway. Each file the probe would look at (executables and `.so` files, 1 KiB to
 * 512 MiB; jars for the Maven probe) is read in 64 KiB chunks, as a layer streams; the rounds alternate
 * (hash only, hash + probe, ...) and count this process's CPU time, not the wall clock, so neither
 * the ratio nor the figures drift with the machine's load.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ContentProbe } from '../src/layers/types.js';
import { binaryIdentityProbe } from '../src/catalog/probes/binary-identity.js';
import { goBuildInfoProbe } from '../src/catalog/probes/go-buildinfo.js';
import { jarMavenProbe } from '../src/catalog/probes/jar-maven.js';

const CHUNK = 64 * 1024;
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);

interface File {
  path: string;
  bytes: Buffer;
}

function walk(
  root: string,
  dir: string,
  out: Array<{ path: string; abs: string; size: number; mode: number }>,
): void {
  for (const name of readdirSync(dir)) {
    const abs = join(dir, name);
    const st = lstatSync(abs);
    if (st.isDirectory()) walk(root, abs, out);
    else if (st.isFile()) out.push({ path: relative(root, abs), abs, size: st.size, mode: st.mode });
  }
}

/** The files `probes` would look at, read into memory once (the disk is not what is measured). */
function filesFor(root: string, probes: ReadonlyArray<ContentProbe<unknown>>): File[] {
  const all: Array<{ path: string; abs: string; size: number; mode: number }> = [];
  walk(root, root, all);
  return all
    .filter((f) => probes.some((p) => p.matches(f.path, f.size, f.mode)))
    .map((f) => ({ path: f.path, bytes: readFileSync(f.abs) }));
}

function pass(files: File[], probes: ReadonlyArray<ContentProbe<unknown>>): { ms: number; found: number } {
  const start = process.cpuUsage();
  let found = 0;
  for (const f of files) {
    const hash = createHash('sha256');
    const runs = probes
      .filter((p) => p.matches(f.path, f.bytes.length, 0o755))
      .map((p) => p.start(f.path, f.bytes.length));
    for (let at = 0; at < f.bytes.length; at += CHUNK) {
      const chunk = f.bytes.subarray(at, at + CHUNK);
      hash.update(chunk);
      for (const r of runs) r.write(chunk);
    }
    hash.digest();
    for (const r of runs) if (r.end() !== undefined) found++;
  }
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, found };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sets: Array<[string, ReadonlyArray<ContentProbe<unknown>>]> = [
  ['binary-identity (busybox, node, python, package notes, cargo auditable)', [binaryIdentityProbe]],
  ['go build info', [goBuildInfoProbe]],
  ['jar-maven (nested archives)', [jarMavenProbe]],
];

console.log('| Root | Probe | Files | MB | SHA-256 only | SHA-256 + probe | Probe cost | Found |');
console.log('| :- | :- | -: | -: | -: | -: | -: | -: |');
for (const root of process.argv.slice(2)) {
  for (const [name, probes] of sets) {
    const files = filesFor(root, probes);
    const mb = files.reduce((n, f) => n + f.bytes.length, 0) / 1e6;
    const base: number[] = [];
    const withProbe: number[] = [];
    let found = 0;
    for (let i = 0; i < ROUNDS; i++) {
      base.push(pass(files, []).ms);
      const r = pass(files, probes);
      withProbe.push(r.ms);
      found = r.found;
    }
    const b = median(base);
    const w = median(withProbe);
    console.log(
      `| ${root} | ${name} | ${files.length} | ${mb.toFixed(1)} | ${b.toFixed(0)} ms | ${w.toFixed(0)} ms | ` +
        `+${(w - b).toFixed(0)} ms (+${((100 * (w - b)) / b).toFixed(0)}%) | ${found} |`,
    );
  }
}
