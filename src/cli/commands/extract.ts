/** `extract`: a dataset's features into a feature store on disk, one shard of a job array at a time. */
import { BACKEND_FLAG } from '../tfNode.ts';
import { caseVolumes } from '../../core/case/case.ts';
import { mappingProblems } from '../../core/experiments/compare.ts';
import { prepareCase } from '../../core/experiments/experiment.ts';
import { parseMapping } from '../../core/features/channels.ts';
import { featureFileMetadata } from '../../core/features/storeFile.ts';
import { caseContentHash } from '../../core/features/extract.ts';
import type { Plane } from '../../core/features/slices.ts';
import { featureKey } from '../../core/features/store.ts';
import { layersKey } from '../../core/models/dinov2/layers.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from '../args.ts';
import { diskFeatureStore } from '../store/diskFeatureStore.ts';
import { datasetShard } from '../store/shard.ts';
import { cliProgress, loadBackbone, readCaseAt, readOptions, ROLE_FLAG, roleOverrides } from './runSetup.ts';

export const extractHelp = `extract --dataset DIR --mapping flair,t1ce,t2 --weights W.safetensors --out STORE [--shard K/N | --shards N] [--size 224] [--plane axial] [--layers 1] ${ROLE_FLAG} ${BACKEND_FLAG}`;

export async function extract(args: ParsedArgs): Promise<unknown> {
  const mapping = parseMapping(flag(args, 'mapping', 'flair,t1ce,t2'));
  const size = intFlag(args, 'size', 224);
  const plane = flag(args, 'plane', 'axial') as Plane;
  if (!['axial', 'coronal', 'sagittal'].includes(plane)) throw new UsageError('--plane must be axial, coronal or sagittal');
  const layers = intFlag(args, 'layers', 1);
  const { shard, cases: mine } = datasetShard(args, flag(args, 'dataset'), 'shard');
  const store = diskFeatureStore(flag(args, 'out'));
  const overrides = roleOverrides(args);
  const options = readOptions(args);
  const { backbone, description } = await loadBackbone(args);
  const progress = cliProgress();
  const start = performance.now();
  const done: { case: string; key: string; slices: number; file: string; bytes: number; skipped: boolean }[] = [];
  for (const entry of mine) {
    const { c } = readCaseAt(entry.paths, entry.id, overrides, options);
    const problems = mappingProblems([{ id: c.id, volumes: c.modalities }], [mapping]);
    if (problems.length) throw new Error(problems.join('\n'));
    const volumes = caseVolumes(c);
    const key = featureKey({ caseHash: await caseContentHash(volumes.volumes, volumes.brainmask), mapping, modelHash: backbone.modelHash, size, plane, layers: layersKey(layers) });
    if (store.has(key)) {
      done.push({ case: c.id, key, slices: 0, file: store.path(key), bytes: 0, skipped: true });
      process.stderr.write(`${c.id}: already in the store, skipped\n`);
      continue;
    }
    const prepared = await prepareCase(volumes, { mapping, plane, size, layers }, backbone, store, progress.update);
    const written = store.flush(key, featureFileMetadata({ caseId: c.id, mapping, model: description.weights.join(','), modelHash: backbone.modelHash, geometry: prepared.g, layers, dim: backbone.dim * layers }));
    done.push({ case: c.id, key, slices: prepared.slices.length, file: written.file, bytes: written.bytes, skipped: false });
  }
  progress.finish();
  const seconds = (performance.now() - start) / 1000;
  const extracted = done.filter((d) => !d.skipped);
  return {
    shard: { index: shard.index, count: shard.count, from: shard.from },
    model: description,
    cases: done,
    seconds: +seconds.toFixed(1),
    slicesPerSecond: +(extracted.reduce((a, d) => a + d.slices, 0) / Math.max(seconds, 1e-3)).toFixed(2),
    bytesPerCase: extracted.length ? Math.round(extracted.reduce((a, d) => a + d.bytes, 0) / extracted.length) : 0,
  };
}
