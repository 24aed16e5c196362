import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../world/world.js';

/**
 * Runs the bundled action (`node dist/index.js`) the way the Actions runner does: every input of
 * action.yml as INPUT_<NAME> (defaults filled in, dashes kept), the event payload in a file, and the
 * runner's file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...) as fresh files.
 */
export const bundledAction = join(repoRoot, 'dist', 'index.js');
export const eventFixture = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(join(repoRoot, '__tests__', 'fixtures', 'events', `${name}.json`), 'utf8'),
  ) as Record<string, unknown>;

export interface ActionRunOptions {
  /** Inputs by their action.yml names; the rest take action.yml's defaults as the runner fills them. */
  inputs: Record<string, string>;
  eventName: string;
  event: Record<string, unknown>;
  apiUrl: string;
  /** GITHUB_WORKSPACE and the working directory. */
  workspace: string;
  token?: string;
  workflow?: string;
  runId?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT as written, and parsed. */
  outputText: string;
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
  wallMs: number;
}

interface ActionYml {
  inputs: Record<string, { default?: string }>;
}

/** INPUT_ variables as the runner sets them: every input, its default when not given. */
export function inputEnv(inputs: Record<string, string>, token: string): Record<string, string> {
  const declared = (parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as ActionYml).inputs;
  const env: Record<string, string> = {};
  for (const name of Object.keys(inputs)) {
    if (!(name in declared)) throw new Error(`action.yml declares no input '${name}'`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    const value = inputs[name] ?? String(spec.default ?? '').replace('${{ github.token }}', token);
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** Parses the runner's file-command format: `name=value` or `name<<DELIM` ... `DELIM`. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing ${delim} for ${name}`);
      out[name!] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq < 0) throw new Error(`GITHUB_OUTPUT: cannot read line '${line}'`);
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const runnerTemp = await mkdtemp(join(tmpdir(), 'ic-runner-'));
  const files = {
    event: join(runnerTemp, 'event.json'),
    output: join(runnerTemp, 'output'),
    summary: join(runnerTemp, 'step_summary'),
    env: join(runnerTemp, 'env'),
    path: join(runnerTemp, 'path'),
    state: join(runnerTemp, 'state'),
  };
  await writeFile(files.event, JSON.stringify(options.event, null, 2));
  for (const f of [files.output, files.summary, files.env, files.path, files.state]) await writeFile(f, '');
  const token = options.token ?? 'ghs_fakeTokenForTests000000000000000000';
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: runnerTemp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: '__org_image-changelog',
    GITHUB_ACTOR: 'octo-dev',
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
    GITHUB_REPOSITORY: 'org/app',
    GITHUB_REPOSITORY_OWNER: 'org',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKFLOW: options.workflow ?? 'image',
    GITHUB_RUN_ID: options.runId ?? '9876543210',
    GITHUB_RUN_NUMBER: '17',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'changelog',
    GITHUB_SHA: '9f2c1e7d4b8a6f3e0c5d2a1b7e9f4c6d8a0b3e5f',
    GITHUB_REF: options.eventName === 'release' ? 'refs/tags/v1.1.0' : 'refs/pull/42/merge',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 7',
    ...inputEnv(options.inputs, token),
    ...options.env,
  };
  const started = performance.now();
  // Asynchronous on purpose: the fake GitHub server answers from this same process.
  const child = spawn(process.execPath, [bundledAction], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  const outputText = await readFile(files.output, 'utf8');
  return {
    code,
    stdout,
    stderr,
    outputText,
    outputs: parseOutputFile(outputText),
    summary: await readFile(files.summary, 'utf8'),
    runnerTemp,
    wallMs,
  };
}

/** The workflow-command lines of one kind (`::error::`, `::warning ...::`), as the runner reads them. */
export function commandLines(run: ActionRun, command: 'error' | 'warning' | 'notice' | 'add-mask'): string[] {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith(`::${command}::`) || l.startsWith(`::${command} `));
}
