import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCommand, USAGE, type CommonFlags, type Command } from './args.js';
import { Progress } from './progress.js';
import { buildSources } from './sources.js';
import { VERSION } from '../version.js';
import { describeError, ImageChangelogError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { parsePlatform } from '../oci/platform.js';
import { DiskLayerIndexCache } from '../cache/layer-index-cache.js';
import { defaultCaptureSpec } from '../catalog/registry.js';
import { compareImages, inspectImage, type CompareResult, type ScanOptions } from '../scan/compare-images.js';
import { summarizeInventory, renderInspectText } from '../render/inspect.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderJson } from '../render/json.js';
import { renderText } from '../render/text.js';
import { loadPolicy } from '../policy/load.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import { verdictLine } from '../policy/summary.js';
import type { Verdict } from '../policy/types.js';
import type { Policy } from '../policy/model.js';
import type { Changes } from '../diff/types.js';

export const EXIT = { ok: 0, changed: 1, stop: 2, error: 3 } as const;

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'image-changelog');
}

function scanOptions(flags: CommonFlags, io: Io, progress: Progress): ScanOptions {
  const capture = defaultCaptureSpec(flags.maxCaptureBytes ? { maxFileBytes: flags.maxCaptureBytes } : {});
  const options: ScanOptions = {
    capture,
    sources: buildSources(flags, io.env),
    limits: {
      ...(flags.maxLayerBytes ? { maxUncompressedBytes: flags.maxLayerBytes } : {}),
      ...(flags.maxEntries ? { maxEntries: flags.maxEntries } : {}),
    },
    onPhase: progress.onPhase,
    onLayer: progress.onLayer,
  };
  if (flags.platform) options.platform = parsePlatform(flags.platform);
  if (!flags.noCache)
    options.cache = new DiskLayerIndexCache(flags.cacheDir ?? defaultCacheDir(io.env), capture);
  return options;
}

async function emit(text: string, output: string | undefined, io: Io): Promise<void> {
  if (output) await writeFileAtomic(output, text);
  else io.stdout.write(text);
}

async function policyFrom(path: string): Promise<ReturnType<typeof loadPolicy>> {
  if (path === 'recommended') return loadPolicy('extends: recommended\n', 'recommended');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ImageChangelogError('POLICY_NOT_FOUND', `cannot read policy file ${path}`, {
      subject: path,
      hint: 'check the path',
    });
  }
  return loadPolicy(text, path);
}

async function execute(cmd: Command, io: Io): Promise<number> {
  if (cmd.name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (cmd.name === 'version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const progress = Progress.for(io.stderr, cmd.progress);
  try {
    const options = scanOptions(cmd, io, progress);
    if (cmd.name === 'inspect') {
      const inv = await inspectImage(cmd.image, options);
      progress.done();
      const text = cmd.json
        ? `${JSON.stringify({ summary: summarizeInventory(inv), ...inv }, null, 1)}\n`
        : renderInspectText(summarizeInventory(inv), inv.problems);
      await emit(text, cmd.output, io);
      return EXIT.ok;
    }
    if (cmd.name === 'diff') {
      const policy = cmd.policy ? await policyFrom(cmd.policy) : undefined;
      // Only the changes and the verdict outlive this call: the two inventories (every file of both
      // images) can be collected while the report is rendered.
      const { changes, verdict } = judge(
        await compareImages(
          cmd.previous,
          cmd.image,
          { exclude: cmd.exclude, defaultExcludes: cmd.defaultExcludes, depth: cmd.depth },
          options,
        ),
        policy,
      );
      progress.done();
      const color = !cmd.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
      const text =
        cmd.format === 'json'
          ? renderJson(changes, verdict)
          : cmd.format === 'text'
            ? renderText(changes, { color, ...(verdict ? { verdict } : {}) })
            : renderMarkdown(changes, { surface: cmd.surface, ...(verdict ? { verdict } : {}) });
      await emit(text.endsWith('\n') ? text : `${text}\n`, cmd.output, io);
      if (verdict?.result === 'stop') {
        io.stderr.write(`${verdictLine(verdict)}\n`);
        return EXIT.stop;
      }
      return cmd.exitCode && changes.hasChanges ? EXIT.changed : EXIT.ok;
    }
    // policy check
    const policy = await policyFrom(cmd.policy ?? 'recommended');
    if (!cmd.image) {
      io.stdout.write(`policy ${cmd.policy ?? 'recommended'} is valid (${policy.rules.length} rules)\n`);
      return EXIT.ok;
    }
    const result = await compareImages(
      cmd.previous,
      cmd.image,
      { exclude: [], defaultExcludes: true, depth: 2 },
      options,
    );
    progress.done();
    const verdict = evaluatePolicy(policy, result.changes, result.after, new Date());
    io.stdout.write(cmd.json ? `${JSON.stringify(verdict, null, 2)}\n` : `${verdictLine(verdict)}\n`);
    return verdict.result === 'stop' ? EXIT.stop : EXIT.ok;
  } finally {
    progress.done();
  }
}

function judge(result: CompareResult, policy: Policy | undefined): { changes: Changes; verdict?: Verdict } {
  const verdict = policy ? evaluatePolicy(policy, result.changes, result.after, new Date()) : undefined;
  return { changes: result.changes, ...(verdict ? { verdict } : {}) };
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
