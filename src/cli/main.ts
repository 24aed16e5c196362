import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCommand, type CommonFlags, type Command } from './args.js';
import { helpText } from './help.js';
import { Progress } from './progress.js';
import { VERSION } from '../version.js';
import { describeError, ImageChangelogError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import {
  buildChangelog,
  buildDockerfileChangelogs,
  dockerfileHasChanges,
  inspect,
  loadPolicy,
  type PolicyChoice,
  type Ports,
  type ScanRequest,
} from '../core/index.js';
import { renderInspectJson, renderInspectText, summarizeInventory } from '../render/inspect.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderJson } from '../render/json.js';
import { renderText } from '../render/text.js';
import { verdictLine } from '../render/verdict.js';
import { combineVerdicts } from '../policy/combine.js';
import {
  renderDockerfileJson,
  renderDockerfileMarkdown,
  renderDockerfileText,
} from '../render/dockerfile.js';

export const EXIT = { ok: 0, changed: 1, stop: 2, error: 3 } as const;

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'image-changelog');
}

function scanRequest(flags: CommonFlags): ScanRequest {
  return {
    ...(flags.platform ? { platform: flags.platform } : {}),
    limits: {
      ...(flags.maxLayerBytes ? { maxLayerBytes: flags.maxLayerBytes } : {}),
      ...(flags.maxEntries ? { maxEntries: flags.maxEntries } : {}),
      ...(flags.maxCaptureBytes ? { maxCaptureBytes: flags.maxCaptureBytes } : {}),
      ...(flags.maxCaptureTotalBytes ? { maxCaptureTotalBytes: flags.maxCaptureTotalBytes } : {}),
    },
  };
}

function ports(flags: CommonFlags, io: Io, progress: Progress): Ports {
  const username = flags.username ?? io.env.REGISTRY_USERNAME;
  const password = flags.password ?? io.env.REGISTRY_PASSWORD;
  return {
    registry: {
      ...(username && password ? { username, password } : {}),
      ...(io.env.GITHUB_TOKEN ? { githubToken: io.env.GITHUB_TOKEN } : {}),
      insecureRegistries: flags.insecureRegistries,
      ...(flags.registryTimeoutMs ? { idleTimeoutMs: flags.registryTimeoutMs } : {}),
      env: io.env,
    },
    ...(flags.noCache ? {} : { cacheDir: flags.cacheDir ?? defaultCacheDir(io.env) }),
    progress,
  };
}

function policyChoice(arg: string): PolicyChoice {
  return arg === 'recommended' ? 'recommended' : { path: arg };
}

async function emit(text: string, output: string | undefined, io: Io): Promise<void> {
  const line = text.endsWith('\n') ? text : `${text}\n`;
  if (output) await writeFileAtomic(output, line);
  else io.stdout.write(line);
}

async function execute(cmd: Command, io: Io): Promise<number> {
  if (cmd.name === 'help') {
    io.stdout.write(`${helpText(cmd.topic)}\n`);
    return EXIT.ok;
  }
  if (cmd.name === 'version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const progress = Progress.for(io.stderr, cmd.progress);
  try {
    if (cmd.name === 'inspect') {
      const inv = await inspect(cmd.image, scanRequest(cmd), ports(cmd, io, progress));
      progress.done();
      const text = cmd.json
        ? renderInspectJson(inv)
        : renderInspectText(summarizeInventory(inv), inv.problems);
      await emit(text, cmd.output, io);
      return EXIT.ok;
    }
    if (cmd.name === 'diff') {
      const { changes, verdict } = await buildChangelog(
        {
          image: cmd.image,
          previous: cmd.previous,
          diff: { exclude: cmd.exclude, defaultExcludes: cmd.defaultExcludes, depth: cmd.depth },
          ...(cmd.policy ? { policy: policyChoice(cmd.policy) } : {}),
          ...scanRequest(cmd),
        },
        ports(cmd, io, progress),
      );
      progress.done();
      const color = !cmd.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
      const text =
        cmd.format === 'json'
          ? renderJson(changes, verdict)
          : cmd.format === 'text'
            ? renderText(changes, { color, ...(verdict ? { verdict } : {}) })
            : renderMarkdown(changes, { surface: cmd.surface, ...(verdict ? { verdict } : {}) });
      await emit(text, cmd.output, io);
      if (verdict?.result === 'stop') {
        io.stderr.write(`${verdictLine(verdict)}\n`);
        return EXIT.stop;
      }
      return cmd.exitCode && changes.hasChanges ? EXIT.changed : EXIT.ok;
    }
    if (cmd.name === 'dockerfile-diff') return await dockerfileDiff(cmd, io, progress);
    // policy check
    const policyArg = cmd.policy ?? 'recommended';
    if (!cmd.image) {
      const policy = await loadPolicy(policyChoice(policyArg));
      io.stdout.write(`policy ${policyArg} is valid (${policy.rules.length} rules)\n`);
      return EXIT.ok;
    }
    const { verdict } = await buildChangelog(
      { image: cmd.image, previous: cmd.previous, policy: policyChoice(policyArg), ...scanRequest(cmd) },
      ports(cmd, io, progress),
    );
    progress.done();
    if (!verdict) throw new Error('no verdict for a run with a policy');
    io.stdout.write(cmd.json ? `${JSON.stringify(verdict, null, 2)}\n` : `${verdictLine(verdict)}\n`);
    return verdict.result === 'stop' ? EXIT.stop : EXIT.ok;
  } finally {
    progress.done();
  }
}

async function readDockerfileArg(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ImageChangelogError('DOCKERFILE_NOT_FOUND', `cannot read Dockerfile ${path}: ${why}`, {
      subject: path,
      hint: 'give the old and the new Dockerfile as two paths',
    });
  }
}

async function dockerfileDiff(
  cmd: Extract<Command, { name: 'dockerfile-diff' }>,
  io: Io,
  progress: Progress,
): Promise<number> {
  if ((cmd.username ?? io.env.REGISTRY_USERNAME) && (cmd.password ?? io.env.REGISTRY_PASSWORD))
    throw new ImageChangelogError(
      'USAGE',
      'dockerfile-diff does not take --username/--password (or REGISTRY_USERNAME/REGISTRY_PASSWORD): the base images can be on several registries, and one password would be offered to each',
      { hint: 'log in to each private registry with docker login; its credentials are kept per host' },
    );
  const [oldText, newText] = [
    await readDockerfileArg(cmd.oldDockerfile),
    await readDockerfileArg(cmd.newDockerfile),
  ];
  const { platform, ...scan } = scanRequest(cmd);
  const [file] = await buildDockerfileChangelogs(
    {
      files: [{ path: cmd.newDockerfile, old: oldText, new: newText }],
      buildArgs: cmd.buildArgs,
      ...(typeof platform === 'string' ? { platform } : {}),
      diff: { exclude: cmd.exclude, defaultExcludes: cmd.defaultExcludes, depth: cmd.depth },
      ...(cmd.policy ? { policy: policyChoice(cmd.policy) } : {}),
      ...scan,
    },
    ports(cmd, io, progress),
  );
  progress.done();
  const color = !cmd.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const text =
    cmd.format === 'json'
      ? renderDockerfileJson([file!])
      : cmd.format === 'text'
        ? renderDockerfileText(file!, { color })
        : renderDockerfileMarkdown(file!, { surface: cmd.surface });
  await emit(text, cmd.output, io);
  const verdict = combineVerdicts(
    file!.stages.flatMap((s) =>
      s.comparison?.verdict ? [{ where: `stage ${s.pair.label}`, verdict: s.comparison.verdict }] : [],
    ),
  );
  if (verdict?.result === 'stop') {
    io.stderr.write(`${verdictLine(verdict)}\n`);
    return EXIT.stop;
  }
  return cmd.exitCode && dockerfileHasChanges(file!) ? EXIT.changed : EXIT.ok;
}

/** The CLI: parse argv, run, and turn any failure into one line on stderr and exit code 3. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await execute(parseCommand(argv), io);
  } catch (err) {
    io.stderr.write(`image-changelog: ${describeError(err)}\n`);
    if (io.env.IMAGE_CHANGELOG_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT.error;
  }
}
