/**
 * Which cases one job of an array takes: every N-th case starting at K, in a stable order (by case
 * id), so N jobs started side by side cover every case exactly once without talking to each other.
 * K and N come from --shard K/N, else from the job array's environment (SLURM, Kubernetes).
 */
import { flag, intFlag, type ParsedArgs, UsageError } from '../args.ts';
import { type DatasetCase, datasetCases } from './dataset.ts';

export interface Shard {
  index: number;
  count: number;
  /** Where K and N came from, for the log. */
  from: string;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--shard takes K/N (this job's index from 0 and the number of jobs), got "${text}"`);
  return checked(Number(m[1]), Number(m[2]), '--shard');
}

function checked(index: number, count: number, from: string): Shard {
  if (!(count >= 1) || !(index >= 0) || index >= count) throw new UsageError(`${from}: shard ${index} of ${count} does not exist (0 <= K < N)`);
  return { index, count, from };
}

/**
 * SLURM: SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or with SLURM_ARRAY_TASK_MIN/MAX (an
 * array 1-8 is 8 shards, task 1 the first). Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with the
 * count given by --shards (the Job's completions). Otherwise one shard: everything.
 */
export function shardFromEnvironment(env: Record<string, string | undefined>, shards?: number): Shard {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const task = int(env.SLURM_ARRAY_TASK_ID);
  if (task !== undefined) {
    const min = int(env.SLURM_ARRAY_TASK_MIN) ?? 0;
    const max = int(env.SLURM_ARRAY_TASK_MAX);
    const count = shards ?? int(env.SLURM_ARRAY_TASK_COUNT) ?? (max !== undefined ? max - min + 1 : undefined);
    if (count === undefined) throw new UsageError('SLURM_ARRAY_TASK_ID is set but not the array size: give --shards N');
    return checked(task - min, count, 'SLURM array');
  }
  const index = int(env.JOB_COMPLETION_INDEX);
  if (index !== undefined) {
    if (shards === undefined) throw new UsageError('JOB_COMPLETION_INDEX is set: give --shards N (the Job\'s completions)');
    return checked(index, shards, 'Kubernetes indexed job');
  }
  return { index: 0, count: shards ?? 1, from: 'no job array' };
}

export function takeShard<T>(items: T[], id: (item: T) => string, shard: Shard): T[] {
  return [...items].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0)).filter((_, i) => i % shard.count === shard.index);
}

/** This job's cases of a dataset folder, by --shard K/N or the job array's environment (with --shards N); said on stderr. */
export function datasetShard(args: ParsedArgs, dir: string, label: string): { shard: Shard; cases: DatasetCase[] } {
  const shards = args.flags.has('shards') ? intFlag(args, 'shards') : undefined;
  const shard = args.flags.has('shard') ? parseShard(flag(args, 'shard')) : shardFromEnvironment(process.env, shards);
  const all = datasetCases(dir);
  const cases = takeShard(all, (c) => c.id, shard);
  process.stderr.write(`${label} ${shard.index}/${shard.count} (${shard.from}): ${cases.length} of ${all.length} cases: ${cases.map((c) => c.id).join(', ')}\n`);
  return { shard, cases };
}
