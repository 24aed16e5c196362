import { describe, expect, it } from 'vitest';
import { formatReference, parseReference } from '../../src/oci/reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('oci/reference', () => {
  it.each([
    ['nginx', 'registry-1.docker.io', 'library/nginx', 'latest', undefined],
    ['nginx:1.25', 'registry-1.docker.io', 'library/nginx', '1.25', undefined],
    ['bitnami/redis:7', 'registry-1.docker.io', 'bitnami/redis', '7', undefined],
    ['docker.io/nginx', 'registry-1.docker.io', 'library/nginx', 'latest', undefined],
    ['index.docker.io/library/nginx:x', 'registry-1.docker.io', 'library/nginx', 'x', undefined],
    ['docker.io/org/app', 'registry-1.docker.io', 'org/app', 'latest', undefined],
    ['ghcr.io/org/app:v1.2.3', 'ghcr.io', 'org/app', 'v1.2.3', undefined],
    ['localhost:5000/x', 'localhost:5000', 'x', 'latest', undefined],
    ['localhost/x:1', 'localhost', 'x', '1', undefined],
    ['127.0.0.1:5000/a/b/c:t', '127.0.0.1:5000', 'a/b/c', 't', undefined],
    ['[::1]:5000/app', '[::1]:5000', 'app', 'latest', undefined],
    [`ghcr.io/org/app@${D}`, 'ghcr.io', 'org/app', undefined, D],
    [`ghcr.io/org/app:1.0@${D}`, 'ghcr.io', 'org/app', '1.0', D],
    [
      'registry.example.com:8443/my_org/app-x.y__z:tag_1.0-rc',
      'registry.example.com:8443',
      'my_org/app-x.y__z',
      'tag_1.0-rc',
      undefined,
    ],
  ])('parses %s', (input, registry, repository, tag, digest) => {
    const ref = parseReference(input);
    expect(ref).toMatchObject({ registry, repository, original: input });
    expect(ref.tag).toBe(tag);
    expect(ref.digest).toBe(digest);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['Nginx', 'lowercase'],
    ['ghcr.io/Org/app', 'lowercase'],
    ['app:', 'not a valid tag'],
    ['app:-bad', 'not a valid tag'],
    ['app@sha256:123', 'not a digest'],
    [`app@md5:${'a'.repeat(32)}`, 'not a digest'],
    ['ghcr.io/', 'empty'],
    ['a//b', 'empty'],
    ['a/-b', 'not a valid path component'],
    ['a/b_', 'not a valid path component'],
    ['bad_host:5000/x', 'not a valid registry host'],
    ['host:port/x', 'not a valid registry host'],
    ['x/../etc', 'not a valid path component'],
    ['a b', 'not a valid'],
    [`ghcr.io/${'a'.repeat(300)}`, '255'],
  ])('rejects %j with REFERENCE_INVALID naming the input', (input, why) => {
    let err: unknown;
    try {
      parseReference(input);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'REFERENCE_INVALID' });
    expect((err as Error).message).toContain(why);
    if (input.trim() !== '' && input.length < 100) expect((err as Error).message).toContain(input);
  });

  it('formats a reference so that parsing it again gives the same image', () => {
    for (const input of ['nginx:1', 'ghcr.io/org/app:v1', `localhost:5000/a/b@${D}`, 'bitnami/redis']) {
      const ref = parseReference(input);
      const again = parseReference(formatReference(ref));
      expect([again.registry, again.repository, again.tag, again.digest]).toEqual([
        ref.registry,
        ref.repository,
        ref.tag,
        ref.digest,
      ]);
    }
    expect(formatReference(parseReference('nginx'))).toBe('docker.io/library/nginx:latest');
  });
});
