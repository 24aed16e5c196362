import { spawnSync } from 'node:child_process';

export interface Sample {
  seconds: number;
  maxRssKb: number;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  rssMb: number;
  runs: number;
}

/** Runs a shell command under GNU time and returns wall seconds and peak resident memory. */
export function timeCommand(command: string, env: NodeJS.ProcessEnv = process.env): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', command], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [secs, rss] = last.split(' ');
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`benchmark command failed (${r.status}): ${command}\n${r.stderr.slice(-2000)}`);
  return { seconds: Number(secs), maxRssKb: Number(rss) };
}

/** Median, min and max of several runs; `before` runs untimed before each run (e.g. emptying a cache). */
export function bench(command: string, runs: number, before?: () => void, env?: NodeJS.ProcessEnv): Stats {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    samples.push(timeCommand(command, env));
  }
  return stats(samples, runs);
}

/**
 * Two commands timed in turns (a, b, a, b, ...), so a ratio of their medians is not skewed by the
 * machine getting faster or slower during the run (shared cloud machines drift by 10% and more).
 */
export function benchSideBySide(
  a: { command: string; before?: () => void },
  b: { command: string; before?: () => void },
  runs: number,
): [Stats, Stats] {
  const sa: Sample[] = [];
  const sb: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    a.before?.();
    sa.push(timeCommand(a.command));
    b.before?.();
    sb.push(timeCommand(b.command));
  }
  return [stats(sa, runs), stats(sb, runs)];
}

function stats(samples: Sample[], runs: number): Stats {
  const secs = samples.map((s) => s.seconds).sort((a, b) => a - b);
  return {
    median: secs[Math.floor(secs.length / 2)] ?? NaN,
    min: secs[0] ?? NaN,
    max: secs[secs.length - 1] ?? NaN,
    rssMb: Math.max(...samples.map((s) => s.maxRssKb)) / 1024,
    runs,
  };
}

export function fmt(s: Stats): string {
  return `${s.median.toFixed(2)} s (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}
