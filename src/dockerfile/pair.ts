import { rootBase, type Dockerfile, type Stage, type StageBase } from './stages.js';

/** What a stage starts from in the end: an image or scratch, never another stage. */
export type RootBase = Exclude<StageBase, { kind: 'stage' }> & { platform?: string };

export interface StageSide {
  stage: Stage;
  base: RootBase;
}

/**
 * - `changed`: both sides start from different images (or platforms): compare them.
 * - `unchanged`: the same image on both sides: nothing to pull.
 * - `added`: a stage (or a whole Dockerfile) only the new side has: its base is a first release.
 * - `removed`: only the old side has it: nothing ships from it any more.
 */
export type PairChange = 'changed' | 'unchanged' | 'added' | 'removed';

export interface StagePair {
  /** The stage's name (`runtime`), else `stage N` counting from 1. */
  label: string;
  /** The last stage of the new file (of the old one when the file was removed): what the build ships. */
  final: boolean;
  change: PairChange;
  old?: StageSide;
  new?: StageSide;
}

function side(file: Dockerfile, stage: Stage): StageSide {
  return { stage, base: rootBase(file, stage) };
}

function label(stage: Stage): string {
  return stage.name ?? `stage ${stage.index + 1}`;
}

export function sameBase(a: RootBase, b: RootBase): boolean {
  if (a.kind !== b.kind || a.platform !== b.platform) return false;
  return a.kind === 'scratch' || (b.kind === 'image' && a.reference === b.reference);
}

/**
 * Pair the stages of a Dockerfile's old and new versions: stages by name, then the final stages with
 * each other (a renamed final stage), then the rest in order. Undefined on one side means the pull request added or
 * removed the file. The final pair comes first; the others follow in the new file's order, removed
 * stages last.
 */
export function pairStages(oldFile: Dockerfile | undefined, newFile: Dockerfile | undefined): StagePair[] {
  const olds = oldFile?.stages ?? [];
  const news = newFile?.stages ?? [];
  const matched = new Map<Stage, Stage>(); // new -> old
  const oldUsed = new Set<Stage>();
  const match = (n: Stage, o: Stage): void => {
    matched.set(n, o);
    oldUsed.add(o);
  };
  const lastOld = olds[olds.length - 1];
  const lastNew = news[news.length - 1];
  for (const n of news) {
    if (n.name === undefined) continue;
    const o = olds.find((s) => !oldUsed.has(s) && s.name === n.name);
    if (o) match(n, o);
  }
  // A renamed final stage is still the final stage.
  if (lastOld && lastNew && !matched.has(lastNew) && !oldUsed.has(lastOld)) match(lastNew, lastOld);
  const restOld = olds.filter((s) => !oldUsed.has(s));
  for (const n of news) {
    if (matched.has(n)) continue;
    const o = restOld.shift();
    if (!o) break;
    match(n, o);
  }

  const pairs: StagePair[] = [];
  for (const n of news) {
    const o = matched.get(n);
    const newSide = side(newFile!, n);
    const oldSide = o ? side(oldFile!, o) : undefined;
    const change: PairChange = !oldSide
      ? 'added'
      : sameBase(oldSide.base, newSide.base)
        ? 'unchanged'
        : 'changed';
    pairs.push({
      label: label(n),
      final: n === lastNew,
      change,
      ...(oldSide ? { old: oldSide } : {}),
      new: newSide,
    });
  }
  for (const o of olds) {
    if (oldUsed.has(o)) continue;
    pairs.push({
      label: label(o),
      final: !newFile && o === lastOld,
      change: 'removed',
      old: side(oldFile!, o),
    });
  }
  return [...pairs.filter((p) => p.final), ...pairs.filter((p) => !p.final)];
}
