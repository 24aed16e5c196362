import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through proxy on 127.0.0.1 in front of a real registry: it records every request path (the
 * registry's own log does not), and answers chosen paths itself, e.g. with Docker Hub's 429.
 */
export class RegistryProxy {
  readonly seen: Array<{ method: string; path: string; authorization?: string }> = [];
  /** Requests whose path matches are answered with this status and these headers instead of forwarded. */
  readonly faults: Array<{ path: RegExp; status: number; headers: Record<string, string>; body: string }> =
    [];
  private server = http.createServer((req, res) => this.handle(req, res));
  port = 0;

  constructor(private readonly upstream: string) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Paths asked for under /v2/REPO/ (manifests, blobs). */
  requestsFor(repository: string): string[] {
    return this.seen.map((s) => s.path).filter((p) => p.startsWith(`/v2/${repository}/`));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    const authorization = req.headers.authorization;
    this.seen.push({ method: req.method ?? 'GET', path, ...(authorization ? { authorization } : {}) });
    const fault = this.faults.find((f) => f.path.test(path));
    if (fault) {
      res.writeHead(fault.status, fault.headers);
      res.end(fault.body);
      return;
    }
    const up = http.request(
      `http://${this.upstream}${path}`,
      { method: req.method, headers: { ...req.headers, host: this.upstream } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  }
}
