import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import type { PackageNote } from '../probes/elf-notes.js';
import { identifiedBinaries } from './identified-binaries.js';

/**
 * Binaries and libraries that name the package they were built for in an ELF `.note.package` note
 * (systemd's package-notes format; Fedora and others embed it). Every binary of one package carries the
 * same note, so one package is reported per note (type, name, version, architecture), owning every
 * file that carries it; `packageType` keeps the note's own type (rpm, deb, ...). Where the image's
 * package database already lists those files, the database's package stands and this one is dropped
 * (see shadowed.ts).
 */
export function catalogPackageNotes(ctx: CatalogContext): CatalogResult {
  const groups = new Map<string, { note: PackageNote; paths: string[]; layer: number }>();
  const problems: Problem[] = [];
  for (const { entry, id } of identifiedBinaries(ctx.tree)) {
    for (const message of id.problems ?? [])
      problems.push({ code: 'BINARY_IDENTITY_UNREADABLE', path: entry.path, layer: entry.layer, message });
    for (const note of id.packageNotes ?? []) {
      const key = [note.type, note.name, note.version, note.architecture ?? ''].join('\u0000');
      const g = groups.get(key);
      if (g) g.paths.push(entry.path);
      else groups.set(key, { note, paths: [entry.path], layer: entry.layer });
    }
  }
  const packages: Package[] = [];
  for (const { note, paths, layer } of groups.values()) {
    const metadata: Record<string, string> = { identifiedBy: 'ELF package note', packageType: note.type };
    if (note.osCpe) metadata.osCpe = note.osCpe;
    if (note.os) metadata.os = note.os;
    if (note.osVersion) metadata.osVersion = note.osVersion;
    const pkg: Package = {
      ecosystem: 'binary',
      name: note.name,
      version: note.version,
      location: paths[0] as string,
      layer,
      files: paths.map((path) => ({ path })),
      metadata,
    };
    if (paths.length > 1) pkg.locations = paths;
    if (note.architecture) pkg.arch = note.architecture;
    packages.push(pkg);
  }
  return { packages, problems };
}

export const packageNotesCataloger: Cataloger = {
  id: 'elf-package-notes',
  ecosystem: 'binary',
  globs: [],
  stateGlobs: [],
  catalog: catalogPackageNotes,
};
