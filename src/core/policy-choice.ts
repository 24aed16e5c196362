import { readFile } from 'node:fs/promises';
import { ImageChangelogError } from '../util/errors.js';
import type { Policy } from '../policy/model.js';
import { parsePolicy } from '../policy/load.js';
import { RECOMMENDED_POLICY } from '../policy/recommended.js';

/**
 * Which policy a run checks: the built-in one, or a YAML file. `name` is how the user wrote it (an
 * input or an argument), used in every message; `path` is where the adapter resolved it to.
 */
export type PolicyChoice = 'recommended' | { path: string; name?: string; hint?: string };

/** The policy a choice names: the built-in one as is, a file read and parsed (errors name the file). */
export async function loadPolicy(choice: PolicyChoice): Promise<Policy> {
  if (choice === 'recommended') return RECOMMENDED_POLICY;
  const name = choice.name ?? choice.path;
  let text: string;
  try {
    text = await readFile(choice.path, 'utf8');
  } catch {
    const where = name === choice.path ? '' : ` (looked at ${choice.path})`;
    throw new ImageChangelogError('POLICY_NOT_FOUND', `cannot read policy file ${name}${where}`, {
      subject: name,
      hint: choice.hint ?? 'check the path',
    });
  }
  return parsePolicy(text, name);
}
