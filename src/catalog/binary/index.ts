import type { Cataloger } from '../types.js';
import { busyboxCataloger } from './busybox.js';
import { cargoCataloger } from './cargo.js';
import { packageNotesCataloger } from './package-notes.js';

/** Binaries that carry their own identity (read by the binary-identity probe while layers stream). */
export const binaryCatalogers: readonly Cataloger[] = [
  busyboxCataloger,
  packageNotesCataloger,
  cargoCataloger,
];
