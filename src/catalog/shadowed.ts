import type { FileTree } from '../layers/types.js';
import { isOsEcosystem } from './ecosystems.js';
import { RealPaths } from './resolve-path.js';
import type { Package } from './types.js';

/**
 * Runtimes and self-named binaries that the image's package database already lists: Debian's
 * `/usr/bin/busybox`, Alpine's, a distribution's ruby or JDK, a binary whose package note names the
 * rpm that installed it. The database's package stands; reporting the same thing again under another
 * ecosystem would count it twice. A runtime is judged by its version record (`versionFile`), a binary
 * package by the binaries it was read from (`locations`): it is dropped when the database lists them
 * all, and keeps only the others when it lists some. Paths are compared after resolving directory
 * symlinks (usrmerge: dpkg lists `/bin/busybox`, the image stores `usr/bin/busybox`).
 */
export function dropShadowed(tree: FileTree, packages: readonly Package[]): Package[] {
  const paths = new RealPaths(tree);
  const real = (path: string): string => paths.of(path) ?? path;
  const osPackages = packages.filter((p) => isOsEcosystem(p.ecosystem));
  // Asked for a handful of paths: only the database's paths with the same last component can
  // resolve to the same real path, so only those are resolved.
  const listed = (path: string): boolean => {
    const target = real(path);
    const name = path.slice(path.lastIndexOf('/') + 1);
    const tail = `/${name}`;
    return osPackages.some((p) =>
      p.files.some((f) => (f.path === name || f.path.endsWith(tail)) && real(f.path) === target),
    );
  };
  const out: Package[] = [];
  for (const pkg of packages) {
    if (pkg.ecosystem === 'runtime') {
      const record = pkg.metadata?.versionFile;
      if (record !== undefined && listed(record)) continue;
    } else if (pkg.ecosystem === 'binary') {
      const from = pkg.locations ?? [pkg.metadata?.binary ?? pkg.location];
      const rest = from.filter((p) => !listed(p));
      if (rest.length === 0) continue;
      if (rest.length < from.length) {
        const kept = new Set(rest);
        const trimmed: Package = {
          ...pkg,
          location: rest[0] as string,
          files: pkg.files.filter((f) => kept.has(f.path)),
        };
        if (rest.length > 1) trimmed.locations = rest;
        else delete trimmed.locations;
        out.push(trimmed);
        continue;
      }
    }
    out.push(pkg);
  }
  return out;
}
