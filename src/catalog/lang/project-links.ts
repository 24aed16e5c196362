/**
 * Where a language package says its changelog, else its source, can be read: from its own metadata
 * (package.json `repository` / `homepage`, Python `Project-URL` / `Home-page`, a gemspec's `metadata`
 * `changelog_uri` / `source_code_uri` and `homepage`). Kept as `metadata.changelogUrl` and
 * `metadata.repositoryUrl` on the package; the diff links one of them when the image holds no
 * changelog whose headings it can match. Only plain http(s) addresses are kept: manifests are
 * untrusted, so anything else (a `javascript:` URL, a local path, spaces, 300+ characters) is dropped.
 */
export interface ProjectLinks {
  changelogUrl?: string;
  repositoryUrl?: string;
}

const MAX_URL_CHARS = 300;
const HOSTS: Record<string, string> = {
  github: 'github.com',
  gitlab: 'gitlab.com',
  bitbucket: 'bitbucket.org',
};

/** An https/http address from a URL or a repository spec (`git+https://…`, `git@host:o/r.git`, `github:o/r`, `o/r`). */
export function normaliseProjectUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let s = raw.trim();
  if (s === '' || s.length > MAX_URL_CHARS * 2 || /[\s\u0000-\u001f\u007f<>"`]/.test(s)) return undefined;
  const short = /^(?:(github|gitlab|bitbucket):)?([\w.-]{1,100})\/([\w.-]{1,100})$/.exec(s);
  if (short) s = `https://${HOSTS[short[1] ?? 'github']!}/${short[2]!}/${short[3]!}`;
  s = s
    .replace(/^git\+/, '')
    .replace(/^(?:git|ssh):\/\/(?:[^@/]+@)?/, 'https://')
    .replace(/^git@([^:/]+):/, 'https://$1/');
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  let out = url.href;
  if (url.search === '' && url.hash === '') out = out.replace(/\.git\/?$/, '').replace(/\/$/, '');
  return out.length <= MAX_URL_CHARS ? out : undefined;
}

/** package.json: `repository` (a string or `{ url, directory }`), else `homepage`. npm has no changelog field. */
export function npmProjectLinks(doc: Record<string, unknown>): ProjectLinks {
  const repo = doc.repository;
  const repoUrl =
    typeof repo === 'string'
      ? repo
      : typeof repo === 'object' && repo !== null
        ? (repo as Record<string, unknown>).url
        : undefined;
  const repositoryUrl = normaliseProjectUrl(repoUrl) ?? normaliseProjectUrl(doc.homepage);
  return repositoryUrl === undefined ? {} : { repositoryUrl };
}

/** Core metadata `Project-URL: Label, URL` (labels compared as PEP 753 normalises them), `Home-page`. */
export function pythonProjectLinks(headers: ReadonlyMap<string, readonly string[]>): ProjectLinks {
  const byLabel = new Map<string, string>();
  for (const value of headers.get('project-url') ?? []) {
    const comma = value.indexOf(',');
    if (comma <= 0) continue;
    const label = value
      .slice(0, comma)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
    const url = normaliseProjectUrl(value.slice(comma + 1));
    if (url !== undefined && !byLabel.has(label)) byLabel.set(label, url);
  }
  const first = (labels: readonly string[]) =>
    labels.map((l) => byLabel.get(l)).find((u): u is string => u !== undefined);
  const changelogUrl = first(['changelog', 'changes', 'releasenotes', 'history', 'whatsnew', 'news']);
  const repositoryUrl =
    first(['source', 'sourcecode', 'repository', 'code', 'github', 'homepage', 'home']) ??
    normaliseProjectUrl(headers.get('home-page')?.[0]);
  return {
    ...(changelogUrl !== undefined ? { changelogUrl } : {}),
    ...(repositoryUrl !== undefined ? { repositoryUrl } : {}),
  };
}

/** A generated gemspec: `"changelog_uri" => "…"` in `s.metadata`, else `source_code_uri`, `homepage_uri`, `s.homepage`. */
export function gemProjectLinks(gemspec: string): ProjectLinks {
  const meta = (key: string) =>
    normaliseProjectUrl(new RegExp(`["']${key}["']\\s*=>\\s*["']([^"'\\n]{1,600})["']`).exec(gemspec)?.[1]);
  const changelogUrl = meta('changelog_uri');
  const repositoryUrl =
    meta('source_code_uri') ??
    meta('homepage_uri') ??
    // `[ \t]*`, not `\s*`: a multiline `^\s*` spans the blank lines after each of them (quadratic).
    normaliseProjectUrl(/^[ \t]*\w+\.homepage[ \t]*=[ \t]*["']([^"'\n]{1,600})["']/m.exec(gemspec)?.[1]);
  return {
    ...(changelogUrl !== undefined ? { changelogUrl } : {}),
    ...(repositoryUrl !== undefined ? { repositoryUrl } : {}),
  };
}
