/** An adapter from its settings, either kind, and the line a report shows for it. */
import type { DinoV2Config } from '../models/dinov2/types.ts';
import type { Adapter } from './adapter.ts';
import { createLora, DEFAULT_LORA, type LoraSettings } from './lora.ts';
import { createRein, DEFAULT_REIN, type ReinSettings } from './rein.ts';

export type AdapterSettings = ({ kind: 'lora' } & LoraSettings) | ({ kind: 'rein' } & ReinSettings);

export const DEFAULT_ADAPTERS: { lora: AdapterSettings; rein: AdapterSettings } = { lora: { kind: 'lora', ...DEFAULT_LORA }, rein: { kind: 'rein', ...DEFAULT_REIN } };

export function createAdapter(c: DinoV2Config, s: AdapterSettings): Adapter {
  return s.kind === 'lora' ? createLora(c, s) : createRein(c, s);
}

export function describeAdapter(s: AdapterSettings): string {
  const where = `last ${s.blocks} block${s.blocks === 1 ? '' : 's'}`;
  return s.kind === 'lora'
    ? `LoRA rank ${s.rank}, alpha ${s.alpha} on ${s.targets.join(', ')} of the ${where}, learning rate ${s.learningRate}, seed ${s.seed}`
    : `Rein, ${s.tokens} tokens of rank ${s.rank} after each of the ${where}, learning rate ${s.learningRate}, seed ${s.seed}`;
}
