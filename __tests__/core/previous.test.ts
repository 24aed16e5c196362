import { describe, expect, it } from 'vitest';
import { resolvePreviousImage } from '../../src/core/previous.js';
import type { RemoteSources } from '../../src/image/remote-sources.js';

/** Remote sources that fail the test if a registry is asked anything. */
const noRegistry: RemoteSources = {
  sources: [],
  pinToDigest: (reference) => Promise.reject(new Error(`asked a registry to pin ${reference}`)),
  previousByTags: (reference) => Promise.reject(new Error(`asked a registry for tags of ${reference}`)),
};

describe('resolvePreviousImage', () => {
  it('says no such file for a mistyped archive instead of looking it up on Docker Hub', async () => {
    await expect(
      resolvePreviousImage('app.tar', { lookup: 'semver-tags' }, noRegistry, () => undefined),
    ).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringContaining('no such file or directory: app.tar'),
    });
  });

  it('notes a first release for a local image', async () => {
    const notes: string[] = [];
    const found = await resolvePreviousImage('oci:/images/app', { lookup: 'semver-tags' }, noRegistry, (m) =>
      notes.push(m),
    );
    expect(found).toBeUndefined();
    expect(notes.join('\n')).toContain('needs a registry image');
  });
});
