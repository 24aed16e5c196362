import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { FakeRegistry, type Fault } from '../helpers/fake-registry.js';
import { bundledAction, commandLines, eventFixture, runAction } from '../helpers/run-action.js';

// The bundled action, run as the runner runs it, against a registry that answers `previous: auto`'s
// tag listing with hostile pages. A real registry cannot be made to do this, so a local HTTP server
// plays it. Before the listing was bounded, endless pages grew the tag list until V8 died with a
// fatal out-of-memory error (no ::error:: line, a C++ stack, exit code 134).
const TOKEN = 'ghs_itgTokenThatMustNeverBeLogged4711';

describe('action against a registry with hostile tag listings', () => {
  let registry: FakeRegistry;
  let gh: FakeGitHub;
  let workspace: string;
  let pages: number;

  beforeAll(() => {
    if (!existsSync(bundledAction)) throw new Error(`${bundledAction} is missing: run npm run bundle first`);
  });
  beforeEach(async () => {
    registry = await new FakeRegistry().start();
    gh = new FakeGitHub();
    await gh.start();
    workspace = await mkdtemp(join(tmpdir(), 'ic-workspace-'));
    pages = 0;
  });
  afterEach(async () => {
    await gh.stop();
    await registry.stop();
  });

  /** Every tags/list request gets `body` and a Link to a next page never seen before. */
  function serveTagPages(body: () => string): void {
    const endless: Fault = Object.assign(
      (req: IncomingMessage, res: ServerResponse) => {
        if (!req.url?.includes('/tags/list')) return false;
        pages++;
        res.writeHead(200, {
          'content-type': 'application/json',
          link: `</v2/org/app/tags/list?n=2000&last=page-${pages}-${Math.random().toString(36).slice(2)}>; rel="next"`,
        });
        res.end(body());
        return true;
      },
      { sticky: true },
    );
    registry.faults.push(endless);
  }

  const run = () =>
    runAction({
      inputs: { image: `${registry.host}/org/app:1.1.0`, previous: 'auto', 'github-token': TOKEN },
      eventName: 'pull_request',
      event: eventFixture('pull_request.opened'),
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
      timeoutMs: 120_000,
    });

  /** The action's failure convention: exit code 1, one ::error:: line, nothing else written. */
  function expectOneLineFailure(r: Awaited<ReturnType<typeof run>>, line: RegExp): void {
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error')).toHaveLength(1);
    expect(commandLines(r, 'error')[0]).toMatch(line);
    expect(r.stderr).not.toMatch(/FATAL ERROR|heap out of memory|\n\s+at /);
    expect(r.stdout).not.toMatch(/\n\s+at [\w.<>]+ \(|FATAL ERROR/);
    expect(r.stdout.split('\n').filter((l) => l.includes(TOKEN) && !l.startsWith('::add-mask::'))).toEqual(
      [],
    );
    expect(r.outputs).toEqual({});
    expect(r.summary).toBe('');
    expect(gh.comments.get(42) ?? []).toEqual([]);
    // Nothing of the image was asked for: the run stopped at the listing.
    expect(registry.seen.filter((s) => s.url.includes('/manifests/') || s.url.includes('/blobs/'))).toEqual(
      [],
    );
  }

  it('stops at 100 endless pages of 2,000 fresh tags each with one error line', async () => {
    let n = 0;
    serveTagPages(() =>
      JSON.stringify({ name: 'org/app', tags: Array.from({ length: 2_000 }, () => `0.0.${n++}`) }),
    );
    const r = await run();
    expectOneLineFailure(
      r,
      new RegExp(
        `^::error::the tags of ${registry.host.replace(/\./g, '\\.')}/org/app run to more than 100 pages; reading stopped \\(name the previous image instead of previous: auto\\)$`,
      ),
    );
    expect(pages).toBe(100);
  });

  it('refuses a single 5 MB page with one error line', async () => {
    serveTagPages(() => JSON.stringify({ name: 'org/app', tags: ['1.0.0'], pad: 'x'.repeat(5_000_000) }));
    const r = await run();
    expectOneLineFailure(
      r,
      new RegExp(
        `^::error::the tags of ${registry.host.replace(/\./g, '\\.')}/org/app is larger than the 4194304-byte limit`,
      ),
    );
    expect(pages).toBe(1);
  });

  it('stops at the 16 MiB total of pages just under the page limit with one error line', async () => {
    // 3.9 MB pages: each is within the 4 MiB page limit, five of them pass the 16 MiB total.
    serveTagPages(() => JSON.stringify({ name: 'org/app', tags: ['1.0.0'], pad: 'x'.repeat(3_900_000) }));
    const r = await run();
    expectOneLineFailure(
      r,
      new RegExp(
        `^::error::the tags of ${registry.host.replace(/\./g, '\\.')}/org/app run to more than 16777216 bytes; reading stopped \\(name the previous image instead of previous: auto\\)$`,
      ),
    );
    expect(pages).toBe(5);
  });
});
