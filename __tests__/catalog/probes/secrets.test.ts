import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readLayer } from '../../../src/layers/read-layer.js';
import { secretKindsOf } from '../../../src/catalog/probes/secret-kinds.js';
import { createSecretsProbe, type SecretsFound } from '../../../src/catalog/probes/secrets.js';
import { memoryLayer } from '../../helpers/memory-layer.js';
import { makeTar } from '../../helpers/tar.js';

// Secrets are made at test time (never committed): real keys from node:crypto, tokens from parts.
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PKCS8_KEY = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const PKCS1_KEY = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const SEC1_KEY = ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
const ENCRYPTED_KEY = rsa.privateKey.export({
  type: 'pkcs1',
  format: 'pem',
  cipher: 'aes-128-cbc',
  passphrase: 'x',
}) as string;
const PUBLIC_KEY = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const OPENSSH_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  ...(Buffer.concat([Buffer.from('openssh-key-v1\0'), randomBytes(300)])
    .toString('base64')
    .match(/.{1,70}/g) ?? []),
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n');
const CERTIFICATE = [
  '-----BEGIN CERTIFICATE-----',
  ...(randomBytes(600)
    .toString('base64')
    .match(/.{1,64}/g) ?? []),
  '-----END CERTIFICATE-----',
  '',
].join('\n');
const alnum = (n: number): string =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
const upper = (n: number): string =>
  Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');
const GITHUB_TOKEN = 'gh' + 'p_' + alnum(36);
const GITHUB_PAT = 'github' + '_pat_' + alnum(22) + '_' + alnum(59);
const AWS_KEY = 'AK' + 'IA' + upper(16);
const SLACK_TOKEN = 'xo' + 'xb-' + '123456789012-1234567890123-' + alnum(24);

/** Run the probe over `content` as the layer reader would: matches, start, write chunks, end. */
function probe(
  path: string,
  content: string | Buffer,
  chunkSize = 64 * 1024,
  maxFileBytes?: number,
): string[] {
  const p = createSecretsProbe(maxFileBytes === undefined ? {} : { maxFileBytes });
  const bytes = Buffer.from(content);
  if (!p.matches(path, bytes.length, 0o644)) return ['<not probed>'];
  const run = p.start(path, bytes.length);
  for (let i = 0; i < bytes.length; i += chunkSize) run.write(bytes.subarray(i, i + chunkSize));
  return run.end()?.kinds ?? [];
}

describe('createSecretsProbe', () => {
  it.each([
    ['PKCS#8', PKCS8_KEY],
    ['PKCS#1 RSA', PKCS1_KEY],
    ['SEC1 EC', SEC1_KEY],
    ['encrypted PEM (with Proc-Type headers)', ENCRYPTED_KEY],
    ['OpenSSH', OPENSSH_KEY],
  ])('finds a %s private key when a file holds one', (_what, key) => {
    expect(probe('etc/app/server.pem', `# config\n${key}`)).toEqual(['private-key']);
  });

  it('finds a private key split across chunks at every offset of its first line', () => {
    const content = `${'x'.repeat(1000)}\n${PKCS8_KEY}`;
    for (let split = 990; split < 1100; split++) {
      const p = createSecretsProbe();
      const run = p.start('k', content.length);
      run.write(Buffer.from(content.slice(0, split)));
      run.write(Buffer.from(content.slice(split)));
      expect(run.end()?.kinds, `split at ${split}`).toEqual(['private-key']);
    }
  });

  it('finds keys and tokens when the stream delivers one byte at a time', () => {
    const content = `${OPENSSH_KEY}\ntoken=${GITHUB_TOKEN}\n`;
    expect(probe('home/u/notes', content, 1)).toEqual(['github-token', 'private-key']);
  });

  it('reports nothing for a public key, a certificate or a bare key marker', () => {
    expect(probe('etc/ssl/public.pem', PUBLIC_KEY)).toEqual([]);
    expect(probe('etc/ssl/certs/ca.pem', CERTIFICATE)).toEqual([]);
    // What ssh and libcrypto binaries carry: the marker string, no key body after it.
    const binary = Buffer.concat([
      randomBytes(200),
      Buffer.from('-----BEGIN OPENSSH PRIVATE KEY-----\n\0-----END OPENSSH PRIVATE KEY-----\n\0'),
      randomBytes(200),
    ]);
    expect(probe('usr/bin/ssh-keygen', binary)).toEqual([]);
    expect(
      probe(
        'usr/share/doc/x.txt',
        'Put your key between -----BEGIN RSA PRIVATE KEY----- and the END line.\n',
      ),
    ).toEqual([]);
  });

  it('finds cloud credentials and tokens, but not documented example values', () => {
    expect(probe('app/settings.py', `AWS_ACCESS_KEY_ID = "${AWS_KEY}"\n`)).toEqual(['aws-access-key']);
    expect(
      probe(
        'app/docs.md',
        'e.g. AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
      ),
    ).toEqual([]);
    expect(probe('root/.aws/credentials', `[default]\naws_secret_access_key = ${alnum(40)}\n`)).toEqual([
      'aws-secret-key',
    ]);
    expect(probe('app/ci.sh', `curl -H "Authorization: token ${GITHUB_PAT}"\n`)).toEqual(['github-token']);
    expect(probe('app/bot.js', `const t = '${SLACK_TOKEN}';\n`)).toEqual(['slack-token']);
    const webhook = 'https://hooks.slack.com/services/' + 'T0123ABCD/B0123ABCD/' + alnum(24);
    expect(probe('app/hook.txt', webhook)).toEqual(['slack-webhook']);
  });

  it('finds a GCP service-account key when its two markers are far apart', () => {
    const json = JSON.stringify({
      type: 'service_account',
      project_id: 'p',
      private_key_id: 'x'.repeat(40),
      pad: 'y'.repeat(5000),
      private_key: PKCS8_KEY,
    });
    expect(probe('app/sa.json', json, 1000)).toEqual(['gcp-service-account', 'private-key']);
    expect(probe('app/other.json', JSON.stringify({ type: 'service_account', client_email: 'x' }))).toEqual(
      [],
    );
  });

  it('finds credentials in tool config files only when they hold them', () => {
    const npmToken = 'npm' + '_' + alnum(36);
    expect(
      probe('root/.npmrc', `registry=https://r.example/\n//r.example/:_authToken=${npmToken}\n`),
    ).toEqual(['npm-token']);
    expect(probe('root/.npmrc', '//r.example/:_authToken=${NPM_TOKEN}\n')).toEqual([]);
    expect(probe('app/README', `//r.example/:_authToken=${npmToken}\n`)).toEqual([]);
    expect(
      probe(
        'root/.docker/config.json',
        JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('u:p4ssw0rd').toString('base64') } } }),
      ),
    ).toEqual(['docker-registry-auth']);
    expect(
      probe('root/.docker/config.json', JSON.stringify({ auths: { 'ghcr.io': {} }, credsStore: 'pass' })),
    ).toEqual([]);
    expect(probe('root/.pypirc', '[pypi]\nusername = __token__\npassword = pypi-abc\n')).toEqual([
      'pypi-password',
    ]);
  });

  it('skips files over the size cap and never scans past it', () => {
    const big = `${'x'.repeat(2 * 1024 * 1024)}${PKCS8_KEY}`;
    expect(probe('big.txt', big)).toEqual(['<not probed>']);
    expect(probe('big.txt', big, 64 * 1024, 4 * 1024 * 1024)).toEqual(['private-key']);
    const p = createSecretsProbe({ maxFileBytes: 100 });
    expect(p.matches('a', 100, 0o644)).toBe(true);
    expect(p.matches('a', 101, 0o644)).toBe(false);
    expect(p.matches('a', 0, 0o644)).toBe(false);
    // A stream that delivers more than its header said: bytes past the cap are not scanned.
    const run = p.start('a', 100);
    run.write(Buffer.from(`${'x'.repeat(100)}${PKCS8_KEY}`));
    expect(run.end()).toBeUndefined();
  });

  it('returns kinds only, never the secret itself', () => {
    const result = createSecretsProbe().start('a', 10);
    result.write(Buffer.from(`token ${GITHUB_TOKEN}`));
    const found: SecretsFound | undefined = result.end();
    expect(found).toEqual({ kinds: ['github-token'] });
    expect(JSON.stringify(found)).not.toContain(GITHUB_TOKEN.slice(4));
  });

  it('records its findings on the entries while the layer streams', async () => {
    const tarBytes = await makeTar([
      { name: 'root/.ssh/', type: 'directory' },
      { name: 'root/.ssh/id_ed25519', content: OPENSSH_KEY, mode: 0o600 },
      { name: 'root/.ssh/id_ed25519.pub', content: 'ssh-ed25519 AAAAC3Nza... user@host\n' },
      { name: 'etc/ssl/certs/ca.pem', content: CERTIFICATE },
      { name: 'app/.env', content: `GITHUB_TOKEN=${GITHUB_TOKEN}\n` },
    ]);
    const layer = memoryLayer(tarBytes, { chunkSize: 97 });
    const index = await readLayer(layer, {
      globs: [],
      maxFileBytes: 1 << 20,
      probes: [createSecretsProbe()],
    });
    const kinds = Object.fromEntries(index.entries.toArray().map((e) => [e.path, secretKindsOf(e.probes)]));
    expect(kinds).toEqual({
      'root/.ssh': [],
      'root/.ssh/id_ed25519': ['private-key'],
      'root/.ssh/id_ed25519.pub': [],
      'etc/ssl/certs/ca.pem': [],
      'app/.env': ['github-token'],
    });
  });
});

describe('secretKindsOf', () => {
  it('reads kinds back and ignores malformed probe results when they come from a cache', () => {
    expect(secretKindsOf({ secrets: { kinds: ['private-key', 3] } })).toEqual(['private-key']);
    expect(secretKindsOf({ secrets: 'private-key' })).toEqual([]);
    expect(secretKindsOf({ other: { kinds: ['x'] } })).toEqual([]);
    expect(secretKindsOf(undefined)).toEqual([]);
  });
});

describe('secrets probe on compressed content', () => {
  it('does not scan gzip, xz or zstd data (they cannot hold readable secrets) but still scans text', async () => {
    const { gzipSync } = await import('node:zlib');
    const { createSecretsProbe, isOpaqueContent } = await import('../../../src/catalog/probes/secrets.js');
    const key = Buffer.from(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const probe = createSecretsProbe();
    const run = (content: Buffer): unknown => {
      const r = probe.start('x', content.length);
      r.write(content);
      return r.end();
    };
    expect(run(key)).toBeDefined();
    expect(isOpaqueContent(gzipSync(key))).toBe(true);
    expect(run(gzipSync(key))).toBeUndefined();
    expect(isOpaqueContent(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe(true);
    expect(isOpaqueContent(Buffer.from('#!/bin/sh\n'))).toBe(false);
  });
});

describe('secrets probe on binary content', () => {
  const key = Buffer.from(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));

  it('skips a file with a NUL among its first 8,000 bytes, as git and gitleaks do, whatever the chunking', () => {
    const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'), key]);
    expect(probe('usr/lib/libx.so', elf)).toEqual([]);
    expect(probe('usr/lib/libx.so', elf, 1)).toEqual([]);
    const lateNul = Buffer.concat([Buffer.from('#'.repeat(7_990) + '\n'), Buffer.from([0]), key]);
    expect(probe('data.bin', lateNul, 3)).toEqual([]);
  });

  it('scans text whose first NUL comes after the first 8,000 bytes, and text of any length under them', () => {
    const text = Buffer.concat([Buffer.from('#'.repeat(8_000) + '\n'), Buffer.from([0]), key]);
    expect(probe('app/notes', text)).toEqual(['private-key']);
    expect(probe('app/notes', text, 7)).toEqual(['private-key']);
    // Shorter than the sniff window: decided at the end of the file.
    expect(probe('root/.ssh/id', key, 5)).toEqual(['private-key']);
    expect(key.length).toBeLessThan(8_000);
  });
});
