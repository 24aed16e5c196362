import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, between the phases of a run (after the layers are read, before the
 * catalogers build on them). Reading a large layer leaves tens of megabytes of spent inflate output and
 * parser garbage that V8 would collect only once the next phase has grown the heap on top of it; the
 * peak is then the two together. Collecting in between lets the next phase reuse that memory.
 *
 * `gc` is exposed through a fresh context (the flag only reaches contexts made after it is set), so
 * this works without `--expose-gc` on the command line (the Actions runner starts `node` itself).
 */
let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
