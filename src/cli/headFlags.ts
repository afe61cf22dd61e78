/** The head settings as CLI flags: --head, --hidden, --context, --post, --extra-mappings. */
import { parseMapping } from '../core/features/channels.ts';
import { DEFAULT_HEAD, HEAD_KINDS, type HeadKind, type HeadSettings } from '../core/heads/headSettings.ts';
import type { PostprocessSettings } from '../core/postprocess/postprocess.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from './args.ts';

export const HEAD_FLAGS = '[--head fine|voxels|mlp|linear] [--hidden 32] [--context 0] [--post hierarchy,components,holes|none] [--extra-mappings t1,t1,t1 ...]';

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

export function headFlags(args: ParsedArgs): HeadSettings {
  const head = flag(args, 'head', DEFAULT_HEAD.head) as HeadKind;
  if (!HEAD_KINDS.includes(head)) throw new UsageError(`--head must be one of ${HEAD_KINDS.join(', ')}`);
  const hidden = args.flags.has('hidden') ? parseHidden(flag(args, 'hidden')) : head === 'linear' ? [] : DEFAULT_HEAD.hidden;
  const post = args.flags.has('post') ? parsePostprocess(flag(args, 'post')) : DEFAULT_HEAD.postprocess;
  const context = intFlag(args, 'context', DEFAULT_HEAD.context);
  if (context < 0) throw new UsageError('--context is a number of slices on each side, 0 or more');
  return { ...DEFAULT_HEAD, head, hidden, context, postprocess: post, extraMappings: (args.flags.get('extra-mappings') ?? []).map(parseMapping) };
}
