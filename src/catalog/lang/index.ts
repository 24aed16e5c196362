import type { ContentProbe } from '../../layers/types.js';
import type { Cataloger } from '../types.js';
import { goBuildInfoProbe } from '../probes/go-buildinfo.js';
import { jarMavenProbe } from '../probes/jar-maven.js';
import { composerCataloger } from './composer.js';
import { gemCataloger } from './gem.js';
import { goCataloger } from './go.js';
import { mavenCataloger } from './maven.js';
import { npmCataloger } from './npm.js';
import { pythonCataloger } from './python.js';

/** Language-package catalogers, in a fixed order. go and maven read probe results, not captured files. */
export const langCatalogers: readonly Cataloger[] = [
  npmCataloger,
  pythonCataloger,
  gemCataloger,
  composerCataloger,
  goCataloger,
  mavenCataloger,
];

/** Content probes the language catalogers need in the layer reader's CaptureSpec. */
export const langProbes: readonly ContentProbe[] = [goBuildInfoProbe, jarMavenProbe];
