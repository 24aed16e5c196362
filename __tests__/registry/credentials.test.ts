import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, normalizeRegistryKey } from '../../src/registry/credentials.js';

let dir: string;
let env: NodeJS.ProcessEnv;

/** A fake `docker-credential-NAME`: records the server URL it was asked about, answers from a table. */
async function helper(name: string, script: string): Promise<void> {
  const path = join(dir, `docker-credential-${name}`);
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
}

async function config(content: object): Promise<string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify(content));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ic-creds-'));
  env = { PATH: `${dir}:/usr/bin:/bin` };
  await helper(
    'test',
    `read server
echo "$server" >> "${dir}/asked"
case "$server" in
  registry.example.com) echo '{"ServerURL":"registry.example.com","Username":"helper-user","Secret":"helper-secret"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"<token>","Secret":"hub-refresh"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac`,
  );
  await helper('slow', 'sleep 5');
  await helper('broken', 'echo "boom" >&2; exit 3');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('registry/credentials', () => {
  it('normalises docker config keys to registry hosts', () => {
    expect(normalizeRegistryKey('https://index.docker.io/v1/')).toBe('registry-1.docker.io');
    expect(normalizeRegistryKey('docker.io')).toBe('registry-1.docker.io');
    expect(normalizeRegistryKey('https://Registry.Example.com:5000/v2/')).toBe('registry.example.com:5000');
    expect(normalizeRegistryKey('ghcr.io')).toBe('ghcr.io');
  });

  it('reads base64 auth, username/password and identity tokens from auths', async () => {
    const path = await config({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hub:pass').toString('base64') },
        'registry.example.com': { username: 'u', password: 'p' },
        'id.example.com': { identitytoken: 'refresh-1' },
      },
    });
    const secrets: string[] = [];
    const store = new CredentialStore({ dockerConfigPath: path, onSecret: (s) => secrets.push(s) });
    expect(await store.lookup('registry-1.docker.io')).toEqual({
      kind: 'basic',
      username: 'hubuser',
      password: 'hub:pass',
    });
    expect(await store.lookup('registry.example.com')).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(await store.lookup('id.example.com')).toEqual({ kind: 'identity-token', token: 'refresh-1' });
    expect(await store.lookup('other.example.com')).toBeUndefined();
    for (const s of ['hub:pass', 'p', 'refresh-1']) expect(store.collectSecrets()).toContain(s);
    expect(secrets).toEqual(store.collectSecrets());
  });

  it('runs a credHelper with the server URL on stdin, and treats "not found" as no credentials', async () => {
    const path = await config({
      credHelpers: { 'registry.example.com': 'test', 'other.example.com': 'test', 'docker.io': 'test' },
    });
    const store = new CredentialStore({ dockerConfigPath: path, helperEnv: env });
    expect(await store.lookup('registry.example.com')).toEqual({
      kind: 'basic',
      username: 'helper-user',
      password: 'helper-secret',
    });
    expect(await store.lookup('registry-1.docker.io')).toEqual({
      kind: 'identity-token',
      token: 'hub-refresh',
    });
    expect(await store.lookup('other.example.com')).toBeUndefined();
    const asked = (await readFile(join(dir, 'asked'), 'utf8')).trim().split('\n');
    expect(asked).toEqual(
      expect.arrayContaining(['registry.example.com', 'https://index.docker.io/v1/', 'other.example.com']),
    );
    expect(store.collectSecrets()).toEqual(expect.arrayContaining(['helper-secret', 'hub-refresh']));
  });

  it('uses credsStore for every registry, falling back to auths entries when the store has nothing', async () => {
    const path = await config({
      credsStore: 'test',
      auths: { 'fallback.example.com': { username: 'f', password: 'fp' } },
    });
    const store = new CredentialStore({ dockerConfigPath: path, helperEnv: env });
    expect(await store.lookup('registry.example.com')).toMatchObject({ username: 'helper-user' });
    expect(await store.lookup('fallback.example.com')).toEqual({
      kind: 'basic',
      username: 'f',
      password: 'fp',
    });
  });

  it('puts explicit credentials first, limited to the registries named', async () => {
    const path = await config({ auths: { 'registry.example.com': { username: 'u', password: 'p' } } });
    const all = new CredentialStore({ dockerConfigPath: path, username: 'me', password: 'mine' });
    expect(await all.lookup('registry.example.com')).toEqual({
      kind: 'basic',
      username: 'me',
      password: 'mine',
    });
    const some = new CredentialStore({
      dockerConfigPath: path,
      username: 'me',
      password: 'mine',
      explicitRegistries: ['ghcr.io'],
    });
    expect(await some.lookup('registry.example.com')).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(await some.lookup('ghcr.io')).toEqual({ kind: 'basic', username: 'me', password: 'mine' });
    expect(all.collectSecrets()).toContain('mine');
  });

  it('uses the GitHub token for ghcr.io only', async () => {
    const store = new CredentialStore({ githubToken: 'ghs_abc', githubActor: 'octocat' });
    expect(await store.lookup('ghcr.io')).toEqual({
      kind: 'basic',
      username: 'octocat',
      password: 'ghs_abc',
    });
    expect(await store.lookup('registry-1.docker.io')).toBeUndefined();
    expect(store.collectSecrets()).toEqual(['ghs_abc']);
  });

  it('fails clearly when a helper hangs, fails, or is missing', async () => {
    const path = await config({
      credHelpers: { 'a.example.com': 'slow', 'b.example.com': 'broken', 'c.example.com': 'absent' },
    });
    const store = new CredentialStore({ dockerConfigPath: path, helperEnv: env, helperTimeoutMs: 300 });
    await expect(store.lookup('a.example.com')).rejects.toThrow(/docker-credential-slow did not answer/);
    await expect(store.lookup('b.example.com')).rejects.toThrow(
      /docker-credential-broken failed for b.example.com \(exit 3\)/,
    );
    await expect(store.lookup('c.example.com')).rejects.toThrow(
      /docker-credential-absent is not on the PATH/,
    );
  });

  it('rejects a malformed docker config and a helper name that could escape', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{not json');
    await expect(new CredentialStore({ dockerConfigPath: broken }).lookup('x.io')).rejects.toMatchObject({
      code: 'DOCKER_CONFIG_INVALID',
    });
    const evil = await config({ credHelpers: { 'x.io': '../../bin/sh' } });
    await expect(
      new CredentialStore({ dockerConfigPath: evil, helperEnv: env }).lookup('x.io'),
    ).rejects.toMatchObject({ code: 'CREDENTIAL_HELPER_FAILED' });
    const badAuth = await config({ auths: { 'x.io': { auth: Buffer.from('nocolon').toString('base64') } } });
    await expect(new CredentialStore({ dockerConfigPath: badAuth }).lookup('x.io')).rejects.toMatchObject({
      code: 'DOCKER_CONFIG_INVALID',
    });
    expect(
      await new CredentialStore({ dockerConfigPath: join(dir, 'absent.json') }).lookup('x.io'),
    ).toBeUndefined();
  });
});
