import type { Cataloger } from '../types.js';
import { goRuntimeCataloger } from './go.js';
import { javaRuntimeCataloger } from './java.js';
import { nodeRuntimeCataloger } from './node.js';
import { pythonRuntimeCataloger } from './python.js';
import { rubyRuntimeCataloger } from './ruby.js';

/** Runtimes installed from release trees or source builds, each named by its own version record. */
export const runtimeCatalogers: readonly Cataloger[] = [
  nodeRuntimeCataloger,
  pythonRuntimeCataloger,
  goRuntimeCataloger,
  javaRuntimeCataloger,
  rubyRuntimeCataloger,
];
