/**
 * Writes one bench run's table into the README's Performance section, between the markers
 * `<!-- bench:start -->` and `<!-- bench:end -->`, with how and where it was taken (date, machine,
 * Node, runs, the load average before and after), so the README's figures are always one run's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

export interface RunFacts {
  runs: number;
  only: string | undefined;
  /** 1-minute load average when the run started. */
  loadBefore: number;
  startedAt: Date;
}

export function runFacts(runs: number, only: string | undefined): RunFacts {
  return { runs, only, loadBefore: loadavg()[0] ?? 0, startedAt: new Date() };
}

/** The generated block: one line on how the run was taken, then the table. */
export function benchBlock(rows: readonly string[], facts: RunFacts): string {
  const minutes = ((Date.now() - facts.startedAt.getTime()) / 60_000).toFixed(0);
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const what = facts.only === undefined ? 'all rows' : `BENCH_ONLY=${facts.only}`;
  const how =
    `One \`npm run bench\` run (${what}, \`BENCH_RUNS=${facts.runs}\`), ${facts.startedAt.toISOString().slice(0, 10)}, ` +
    `${minutes} minutes; ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
    `load average ${facts.loadBefore.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end.`;
  return [START, how, '', ...rows, END].join('\n');
}

/** Replace the block between the markers in `readmePath` (the markers must be there, once each). */
export function writeBenchBlock(readmePath: string, block: string): void {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start || text.indexOf(START, start + 1) >= 0) {
    throw new Error(`${readmePath}: no single ${START} ... ${END} block to replace`);
  }
  writeFileSync(readmePath, text.slice(0, start) + block + text.slice(end + END.length));
}
