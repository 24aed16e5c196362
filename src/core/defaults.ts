import type { DiffOptions } from '../diff/types.js';
import { DEFAULT_MAX_ENTRIES, DEFAULT_MAX_UNCOMPRESSED_BYTES } from '../layers/read-layer.js';
import { DEFAULT_MAX_CAPTURE_BYTES } from '../catalog/registry.js';
import { DEFAULT_MAX_CAPTURE_TOTAL_BYTES } from '../layers/capture-budget.js';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../registry/client.js';

/** How deep non-packaged files are rolled up by default (`usr/local/...`). */
export const DEFAULT_DEPTH = 2;

/** The resource bounds of a run (see the README's "Resource bounds"); every adapter shows these defaults. */
export interface ScanLimits {
  /** A layer is not read past this many uncompressed bytes. */
  maxLayerBytes: number;
  /** A layer is not read past this many tar entries. */
  maxEntries: number;
  /** The largest single file kept in memory for a cataloger (a package database). */
  maxCaptureBytes: number;
  /** All captured files of a run together (both images): past it, files are not kept (a problem says so). */
  maxCaptureTotalBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ScanLimits> = Object.freeze({
  maxLayerBytes: DEFAULT_MAX_UNCOMPRESSED_BYTES,
  maxEntries: DEFAULT_MAX_ENTRIES,
  maxCaptureBytes: DEFAULT_MAX_CAPTURE_BYTES,
  maxCaptureTotalBytes: DEFAULT_MAX_CAPTURE_TOTAL_BYTES,
});

/** A registry request fails when no byte arrives for this long. */
export const DEFAULT_REGISTRY_TIMEOUT_MS = DEFAULT_IDLE_TIMEOUT_MS;

export const DEFAULT_DIFF_OPTIONS: Readonly<DiffOptions> = Object.freeze({
  exclude: [],
  defaultExcludes: true,
  depth: DEFAULT_DEPTH,
});

/** The diff options of a run: what the caller set, the defaults for the rest. */
export function diffOptions(options: Partial<DiffOptions> = {}): DiffOptions {
  return {
    exclude: options.exclude ?? [],
    defaultExcludes: options.defaultExcludes ?? DEFAULT_DIFF_OPTIONS.defaultExcludes,
    depth: options.depth ?? DEFAULT_DEPTH,
  };
}
