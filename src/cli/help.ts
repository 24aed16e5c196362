import { USAGE } from './args.js';

/** The help for one command, or the overview. */
export function helpText(_topic?: string): string {
  return USAGE;
}
