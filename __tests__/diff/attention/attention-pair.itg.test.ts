import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Changes } from '../../../src/diff/types.js';
import { renderJson } from '../../../src/render/json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { compareImages } from '../../../src/scan/compare-images.js';
import {
  CHROMIUM,
  allOpen,
  githubPage,
  hasChromium,
  htmlTables,
  liveMarkup,
  markdownToHtml,
  screenshot,
  textOf,
} from '../../helpers/github-html.js';
import { attentionPair, ensureAttentionPair } from '../../world/attention-pair.js';

/**
 * Issue 14's proof with real parts: a Debian pair built from Debian's archive (mmdebstrap, umoci; see
 * build-attention-pair.sh) whose new layer installs ca-certificates, libcap2-bin and mksh, gives a file
 * cap_net_raw with setcap, adds a user with a password hash, removes `games`, makes a world-writable
 * directory, adds a user and a capability file with markup in their names, and points the entrypoint
 * at a file that is not there. With no policy, the first screen of the PR comment (everything before
 * the first <details>) must name every one of those with its path or subject.
 */
const HOSTILE_USER = '<img src=x onerror=alert(1)>@all';
const HOSTILE_FILE = 'opt/app/bin/@here <img src=x onerror=alert(1)> [x](https:evil.test) | cell';
const shotDir = join(tmpdir(), 'image-changelog-visual');

/** The comment up to its first collapsed (or open) section: what a reviewer sees without a click. */
function firstScreen(md: string): string {
  const at = md.indexOf('<details');
  return at < 0 ? md : md.slice(0, at);
}

describe('the Attention block on a real Debian pair (setcap, useradd, userdel, chmod 0777, missing entrypoint)', () => {
  let changes: Changes;
  let md: string;
  let html: string;

  beforeAll(async () => {
    ensureAttentionPair();
    ({ changes } = await compareImages(attentionPair.ref('old'), attentionPair.ref('new'), {
      exclude: [],
      defaultExcludes: true,
      depth: 2,
    }));
    md = renderMarkdown(changes, { surface: 'comment' });
    html = markdownToHtml(md);
  }, 900_000);

  it('reads the capability setcap wrote, byte for byte through umoci, decoded to names', () => {
    const pinger = changes.files.find((f) => f.path === 'opt/app/bin/pinger');
    expect(pinger?.kind).toBe('added');
    expect(pinger?.after?.capabilities).toBe('cap_net_raw=ep');
    expect(pinger?.after?.xattrs).toEqual(['security.capability']);
  });

  it('names every item on the first screen, with its path or subject, with no policy', () => {
    const top = textOf(markdownToHtml(firstScreen(md)));
    const expected: Array<[string, RegExp]> = [
      ['capability', /file capability gained.*opt\/app\/bin\/pinger \(cap_net_raw=ep/s],
      ['hostile capability file', /cap_net_bind_service=ep/],
      [
        'user with a password hash',
        /user added svc \(uid 1000, gid 1000, login shell \/bin\/bash, password hash set\)/,
      ],
      ['user removed', /user removed games \(uid 5\)/],
      ['world-writable directory', /world-writable directory added \(no sticky bit\) srv\/drop \(mode 0777/],
      ['missing entrypoint', /entrypoint does not exist in the image entrypoint \(\/opt\/app\/start\.sh\)/],
      ['shell', /shell added.*usr\/bin\/mksh \(mksh, package mksh\)/s],
    ];
    for (const [what, re] of expected) expect(top, what).toMatch(re);
    // The hostile names are there, as text (the escaper's zero-width space after `@` stops a mention).
    const shown = top.replace(/\u200b/g, '');
    expect(shown).toContain(HOSTILE_USER);
    expect(shown).toContain(HOSTILE_FILE);
    // The hash itself never appears on any surface.
    const surfaces = [md, renderText(changes, { color: false }), renderJson(changes)];
    for (const s of surfaces) expect(s).not.toContain('$6$attentionpair$');
  });

  it('keeps hostile user names, capability file names and paths inert', () => {
    expect(liveMarkup(html)).toEqual([]);
    expect(html).not.toMatch(/<img/i);
    for (const t of htmlTables(html))
      for (const row of t.rows) expect(row.length, t.header.join('|')).toBe(t.header.length);
    expect(md).not.toMatch(/(^|[^`\u200b])@all\b/);
    expect(md).not.toMatch(/(^|[^`\u200b])@here\b/);
  });

  it('folds the trust store update-ca-certificates derived into one row, naming no certificate link', () => {
    const trust = changes.folds.find((f) => f.kind === 'trust-store');
    expect(trust?.certificates?.added).toBeGreaterThan(100);
    const links = changes.files.filter((f) => /^etc\/ssl\/certs\/[^/]+$/.test(f.path) && f.kind === 'added');
    expect(links.length).toBe(trust!.paths);
    // Individual certificate links shown anywhere in the comment: at most a handful (none today).
    const shown = md.match(/etc\/ssl\/certs\/[^\s`|/]+/g) ?? [];
    expect(shown.length).toBeLessThanOrEqual(5);
    expect(md).toContain(`trust store: ${trust!.certificates!.added} certificates added`);
    // The JSON keeps every path.
    const json = JSON.parse(renderJson(changes)) as Changes;
    expect(json.files.filter((f) => f.fold === 'trust-store')).toHaveLength(trust!.paths);
  });

  describe.skipIf(!hasChromium)(`screenshots (headless ${CHROMIUM}, written to ${shotDir})`, () => {
    it('renders the comment as posted and with every section open', () => {
      mkdirSync(shotDir, { recursive: true });
      for (const [name, page] of [
        ['attention-pair-comment', githubPage('Attention pair, PR comment', html)],
        ['attention-pair-open', githubPage('Attention pair, every section open', allOpen(html))],
      ] as const) {
        const png = join(shotDir, `${name}.png`);
        screenshot(page, join(shotDir, `${name}.html`), png);
        const bytes = readFileSync(png);
        expect(bytes.subarray(0, 8).toString('hex'), png).toBe('89504e470d0a1a0a');
        expect(bytes.length, png).toBeGreaterThan(20_000);
      }
    });
  });
});
