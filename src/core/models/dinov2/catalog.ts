/** Models the studio offers, with where their weights live. */
import type { Preset } from './random.ts';

export interface CatalogEntry {
  id: string;
  name: string;
  /** safetensors URL(s) and Hugging Face config.json, downloaded in the browser. */
  weights?: string[];
  config?: string;
  /** Approximate download size, for the button label. */
  megabytes: number;
  /** Random weights generated on the device, for demos and tests without a network. */
  randomPreset?: Preset;
}

const HUB = 'https://huggingface.co';

export const CATALOG: CatalogEntry[] = [
  { id: 'dinov2-small', name: 'DINOv2 ViT-S/14', weights: [`${HUB}/facebook/dinov2-small/resolve/main/model.safetensors`], config: `${HUB}/facebook/dinov2-small/resolve/main/config.json`, megabytes: 88 },
  { id: 'dinov2-base', name: 'DINOv2 ViT-B/14', weights: [`${HUB}/facebook/dinov2-base/resolve/main/model.safetensors`], config: `${HUB}/facebook/dinov2-base/resolve/main/config.json`, megabytes: 346 },
  {
    id: 'dinov2-with-registers-small',
    name: 'DINOv2 ViT-S/14 with registers',
    weights: [`${HUB}/facebook/dinov2-with-registers-small/resolve/main/model.safetensors`],
    config: `${HUB}/facebook/dinov2-with-registers-small/resolve/main/config.json`,
    megabytes: 88,
  },
  { id: 'random-vits14', name: 'Random ViT-S/14 (offline demo, random weights)', megabytes: 0, randomPreset: 'vits14' },
  { id: 'random-tiny', name: 'Random tiny ViT (tests, random weights)', megabytes: 0, randomPreset: 'tiny' },
];

export const DEFAULT_MODEL = 'dinov2-small';
