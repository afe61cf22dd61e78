/** Comparisons in the worker: the core's compareMappings on the loaded case and backbone. */
import type { CaseVolumes } from '../core/case/case.ts';
import { compareMappings, type ComparisonSettings } from '../core/experiments/compare.ts';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import type { ChannelMapping } from '../core/features/channels.ts';
import { workerBackbone } from './features.ts';
import type { Progress } from './protocol.ts';

export async function compare(
  c: CaseVolumes,
  mappings: ChannelMapping[],
  settings: ComparisonSettings,
  progress: (p: Progress) => void,
  notice: (text: string) => void,
  signal: AbortSignal,
): Promise<{ runs: { record: ExperimentRecord; prediction: Uint8Array }[] }> {
  const { backbone, info, store } = await workerBackbone(notice);
  const runs = await compareMappings({
    train: [c],
    test: [],
    mappings,
    settings,
    backbone,
    model: { name: info.label, randomWeights: info.randomWeights, dim: info.dim },
    store,
    signal,
    onProgress: (task) => progress({ status: 'initiate', task }),
  });
  return { runs: runs.map((r) => ({ record: r.record, prediction: r.predictions.get(c.id)! })) };
}
