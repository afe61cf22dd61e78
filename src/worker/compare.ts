/** Comparisons in the worker: the core's compareMappings or compareVariants on the loaded case and backbone. */
import type { CaseVolumes } from '../core/case/case.ts';
import { compareMappings, compareVariants, type ComparisonSettings, type Variant } from '../core/experiments/compare.ts';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import type { ChannelMapping } from '../core/features/channels.ts';
import { currentModel } from './backbone.ts';
import { workerBackbone } from './features.ts';
import type { Progress } from './protocol.ts';

export async function compare(
  c: CaseVolumes,
  arms: ChannelMapping[] | Variant[],
  settings: ComparisonSettings,
  progress: (p: Progress) => void,
  notice: (text: string) => void,
  signal: AbortSignal,
): Promise<{ runs: { record: ExperimentRecord; prediction: Uint8Array }[] }> {
  const { backbone, info, store } = await workerBackbone(notice);
  const common = {
    train: [c],
    test: [],
    settings,
    backbone,
    model: { name: info.label, randomWeights: info.randomWeights, dim: info.dim },
    store,
    signal,
    dinov2: currentModel()?.model,
    onProgress: (task: string) => progress({ status: 'initiate', task }),
  };
  const isVariants = (a: ChannelMapping[] | Variant[]): a is Variant[] => a.length > 0 && 'head' in (a[0] as object);
  if (info.adapter && isVariants(arms) && arms.some((a) => a.adapter)) throw new Error(`the backbone runs through ${info.adapter.id}; take it off (Train step) first: this comparison trains its own adapters on the frozen backbone`);
  const runs = isVariants(arms) ? await compareVariants({ ...common, variants: arms }) : await compareMappings({ ...common, mappings: arms });
  return { runs: runs.map((r) => ({ record: r.record, prediction: r.predictions.get(c.id)! })) };
}
