import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for the parts of GitHub's REST API the action calls; it records every request. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
}

export interface FakeRelease {
  id: number;
  tag_name: string;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  published_at: string | null;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  /** Comments per issue number. */
  readonly comments = new Map<number, FakeComment[]>();
  readonly releases: FakeRelease[] = [];
  /** Repository contents by commit: sha -> path -> text (GET /repos/o/r/contents/PATH?ref=SHA). */
  readonly contents = new Map<string, Map<string, string>>();
  /** The files of each pull request, as GET /repos/o/r/pulls/N/files lists them. */
  readonly pullFiles = new Map<
    number,
    Array<{ filename: string; status: string; previous_filename?: string }>
  >();
  /** The login behind the token; undefined makes GET /user answer 403 as for a GITHUB_TOKEN. */
  userLogin: string | undefined;
  /** Login used as author of comments we create (github-actions[bot] for a GITHUB_TOKEN). */
  botLogin = 'github-actions[bot]';
  /** Forced answers: `METHOD path-regex` -> statuses to return, one per matching request, in order. */
  readonly faults: Array<{ method: string; path: RegExp; statuses: number[] }> = [];
  private nextId = 1000;
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  fault(method: string, path: RegExp, ...statuses: number[]): void {
    this.faults.push({ method, path, statuses });
  }

  addComment(issue: number, body: string, login: string): FakeComment {
    const c = {
      id: this.nextId++,
      body,
      user: { login },
      html_url: `https://github.example/c/${this.nextId}`,
    };
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), c]);
    return c;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    const fault = this.faults.find(
      (f) => f.method === method && f.path.test(url.pathname) && f.statuses.length > 0,
    );
    if (fault) {
      const status = fault.statuses.shift()!;
      send(status, { message: `injected ${status}` });
      return;
    }
    let m: RegExpMatchArray | null;
    if (method === 'GET' && url.pathname === '/user') {
      if (this.userLogin) send(200, { login: this.userLogin });
      else send(403, { message: 'Resource not accessible by integration' });
    } else if ((m = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const issue = Number(m[1]);
      if (method === 'GET') {
        const all = this.comments.get(issue) ?? [];
        const per = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const slice = all.slice((page - 1) * per, page * per);
        const headers: Record<string, string> = {};
        if (page * per < all.length) {
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          headers.link = `<${next.toString()}>; rel="next"`;
        }
        send(200, slice, headers);
      } else if (method === 'POST') {
        const c = this.addComment(issue, (body as { body: string }).body, this.userLogin ?? this.botLogin);
        send(201, c);
      } else send(405, {});
    } else if (
      (m = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/)) &&
      method === 'PATCH'
    ) {
      const id = Number(m[1]);
      const c = [...this.comments.values()].flat().find((x) => x.id === id);
      if (!c) return send(404, { message: 'Not Found' });
      c.body = (body as { body: string }).body;
      send(200, c);
    } else if ((m = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/files$/)) && method === 'GET') {
      const all = this.pullFiles.get(Number(m[1]));
      if (!all) return send(404, { message: 'Not Found' });
      const per = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      send(200, all.slice((page - 1) * per, page * per));
    } else if ((m = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/contents\/(.+)$/)) && method === 'GET') {
      const path = decodeURIComponent(m[1]!);
      const text = this.contents.get(url.searchParams.get('ref') ?? '')?.get(path);
      if (text === undefined) return send(404, { message: 'Not Found' });
      if ((req.headers.accept ?? '').includes('application/vnd.github.raw')) {
        res.writeHead(200, { 'content-type': 'application/vnd.github.raw; charset=utf-8' });
        res.end(text);
        return;
      }
      send(200, { type: 'file', path, encoding: 'base64', content: Buffer.from(text).toString('base64') });
    } else if (url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/releases$/) && method === 'GET') {
      send(200, this.releases);
    } else if ((m = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)$/))) {
      const r = this.releases.find((x) => x.id === Number(m![1]));
      if (!r) return send(404, { message: 'Not Found' });
      if (method === 'PATCH') r.body = (body as { body: string }).body;
      send(200, r);
    } else {
      send(404, { message: `fake GitHub does not speak ${method} ${url.pathname}` });
    }
  }
}
