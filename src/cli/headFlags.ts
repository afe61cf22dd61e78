/** The head settings as CLI flags: --head, --hidden, --context, --post, --extra-mappings. */
import { type ChannelMapping, parseMapping } from '../core/features/channels.ts';
import { type Plane, PLANES } from '../core/features/slices.ts';
import type { Variant } from '../core/experiments/compare.ts';
import { DEFAULT_HEAD, HEAD_KINDS, HEAD_NAMES, type HeadKind, type HeadSettings } from '../core/heads/headSettings.ts';
import type { PostprocessSettings } from '../core/postprocess/postprocess.ts';
import type { Modality } from '../core/case/roles.ts';
import { parseModalities } from '../core/experiments/inputs.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from './args.ts';

export const HEAD_FLAGS = '[--head fine|voxels|mlp|linear] [--hidden 32] [--context 0] [--components 16] [--post hierarchy,components,holes|none] [--extra-mappings t1,t1,t1 ...] [--planes axial,coronal,sagittal] [--layers 1|4] [--jitter 0.5] [--samples 30000]';

/** `--modalities flair,t1ce` and the like: known modalities, as a usage error when not. */
export function modalitiesFlag(args: ParsedArgs, name: string): Modality[] {
  try {
    return parseModalities(flag(args, name));
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

export function parsePostprocess(text: string): PostprocessSettings {
  const steps = text === 'none' ? [] : text.split(',').map((t) => t.trim());
  const known = ['hierarchy', 'components', 'holes'];
  for (const t of steps) if (!known.includes(t)) throw new UsageError(`unknown post-processing step "${t}" (use ${known.join(', ')} or none)`);
  return { hierarchy: steps.includes('hierarchy'), components: steps.includes('components'), holes: steps.includes('holes') };
}

export function parseHidden(text: string): number[] {
  if (text === 'none' || text === '0' || text === '') return [];
  const widths = text.split(',').map(Number);
  if (widths.some((w) => !Number.isInteger(w) || w < 1)) throw new UsageError(`--hidden takes layer widths such as 32 or 64,32 (or none), got "${text}"`);
  return widths;
}

export function parseJitter(text: string): number {
  const j = Number(text);
  if (!(j >= 0 && j < 1)) throw new UsageError(`jitter is a fraction from 0 to below 1 (0.5: intensities scaled by 0.5 to 1.5 and shifted by up to ±0.5 sd), got "${text}"`);
  return j;
}

export function parsePlanes(text: string): Plane[] {
  const planes = text.split(',').map((t) => t.trim()).filter(Boolean);
  for (const p of planes) if (!PLANES.includes(p as Plane)) throw new UsageError(`unknown plane "${p}" (use ${PLANES.join(', ')})`);
  return [...new Set(planes)] as Plane[];
}

export function headFlags(args: ParsedArgs): HeadSettings {
  const head = flag(args, 'head', DEFAULT_HEAD.head) as HeadKind;
  if (!HEAD_KINDS.includes(head)) throw new UsageError(`--head must be one of ${HEAD_KINDS.join(', ')}`);
  const hidden = args.flags.has('hidden') ? parseHidden(flag(args, 'hidden')) : head === 'linear' ? [] : DEFAULT_HEAD.hidden;
  const post = args.flags.has('post') ? parsePostprocess(flag(args, 'post')) : DEFAULT_HEAD.postprocess;
  const context = intFlag(args, 'context', DEFAULT_HEAD.context);
  if (context < 0) throw new UsageError('--context is a number of slices on each side, 0 or more');
  const components = intFlag(args, 'components', DEFAULT_HEAD.components);
  const layers = intFlag(args, 'layers', DEFAULT_HEAD.layers);
  const jitter = args.flags.has('jitter') ? parseJitter(flag(args, 'jitter')) : DEFAULT_HEAD.jitter;
  if (layers < 1) throw new UsageError('--layers is how many of the last blocks to read, 1 or more');
  const samples = intFlag(args, 'samples', DEFAULT_HEAD.samples);
  if (samples < 1) throw new UsageError('--samples is how many voxels per label stratum the whole run draws, shared by the training cases, 1 or more');
  return { ...DEFAULT_HEAD, samples, head, hidden, context, components, postprocess: post, extraMappings: (args.flags.get('extra-mappings') ?? []).map(parseMapping), planes: args.flags.has('planes') ? parsePlanes(flag(args, 'planes')) : DEFAULT_HEAD.planes, layers, jitter };
}

/**
 * One arm of an ablation, as `key=value` pairs joined by ';' (values may hold commas):
 * "head=linear", "head=fine;context=1", "mapping=flair,flair,flair;post=none". Keys: mapping,
 * head, hidden, context, components, post, extra (mappings joined by '+'), modalities ("modalities=flair,t1ce":
 * what the arm may read; by default the modalities its mappings name), planes
 * ("planes=axial,coronal,sagittal": tri-planar patch features), layers ("layers=4": the last 4 blocks), jitter ("jitter=0": no
 * intensity jitter), samples ("samples=30000": voxels per label stratum for the run). Unnamed settings
 * are the command's own.
 */
export function parseVariant(text: string, base: { mapping: ChannelMapping; head: HeadSettings }): Variant {
  let mapping = base.mapping;
  let head = { ...base.head };
  let modalities: Modality[] | undefined;
  const pairs = text.split(';').map((p) => p.trim()).filter(Boolean);
  for (const pair of pairs) {
    const [key, value] = pair.split('=', 2).map((s) => s.trim());
    if (value === undefined) throw new UsageError(`variant "${text}": write each setting as key=value, e.g. head=linear`);
    if (key === 'mapping') mapping = parseMapping(value);
    else if (key === 'head') {
      if (!HEAD_KINDS.includes(value as HeadKind)) throw new UsageError(`variant "${text}": head must be one of ${HEAD_KINDS.join(', ')}`);
      head = { ...head, head: value as HeadKind, hidden: value === 'linear' ? [] : head.hidden.length ? head.hidden : DEFAULT_HEAD.hidden };
    } else if (key === 'hidden') head.hidden = parseHidden(value);
    else if (key === 'context' || key === 'components' || key === 'layers' || key === 'samples') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < (key === 'layers' || key === 'samples' ? 1 : 0)) throw new UsageError(`variant "${text}": ${key} is a whole number, 0 or more`);
      head[key] = n;
    } else if (key === 'post') head.postprocess = parsePostprocess(value);
    else if (key === 'planes') head.planes = parsePlanes(value);
    else if (key === 'jitter') head.jitter = parseJitter(value);
    else if (key === 'extra') head.extraMappings = value === 'none' ? [] : value.split('+').map(parseMapping);
    else if (key === 'modalities') {
      try {
        modalities = parseModalities(value);
      } catch (e) {
        throw new UsageError(`variant "${text}": ${(e as Error).message}`);
      }
    } else throw new UsageError(`variant "${text}": unknown setting "${key}" (use mapping, modalities, head, hidden, context, components, post, extra, planes, layers, jitter, samples)`);
  }
  const onlyHead = pairs.length === 1 && pairs[0].startsWith('head=');
  return { name: onlyHead ? HEAD_NAMES[head.head] : text, mapping, head, ...(modalities ? { modalities } : {}) };
}

/**
 * The arms of an ablation: those asked for, plus the voxel inputs alone and the backbone alone
 * when missing, so what DINOv2 itself adds always shows.
 */
export function ablationVariants(texts: string[], base: { mapping: ChannelMapping; head: HeadSettings }): Variant[] {
  const variants = texts.map((t) => parseVariant(t, base));
  for (const kind of ['voxels', 'mlp'] as const) if (!variants.some((v) => v.head.head === kind)) variants.push(parseVariant(`head=${kind}`, base));
  return variants;
}
