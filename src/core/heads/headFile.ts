/**
 * A saved head, checked where it enters (a dropped file, a message): the linear probe's or a voxel
 * head's JSON, each field's kind validated by one schema (valibot), so a damaged or foreign file is
 * refused with the field named, never half-loaded.
 */
import * as v from 'valibot';

export const LINEAR_HEAD_FORMAT = 'dino-seg-studio/linear-head@1';
export const VOXEL_HEAD_FORMAT = 'dino-seg-studio/voxel-head@1';

const numbers = v.array(v.number());
const count = v.pipe(v.number(), v.integer(), v.minValue(1));
const task = v.picklist(['regions', 'binary', 'labels']);
const settings = v.optional(v.nullable(v.record(v.string(), v.unknown())));

const linearHeadFile = v.object({
  format: v.literal(LINEAR_HEAD_FORMAT),
  task,
  channels: v.array(v.string()),
  labels: v.optional(v.array(v.number())),
  settings,
  features: v.optional(v.unknown()),
  head: v.object({ dim: count, channels: count, weights: numbers, bias: numbers }),
});

const voxelHeadFile = v.object({
  format: v.literal(VOXEL_HEAD_FORMAT),
  task,
  channels: v.array(v.string()),
  settings,
  inputs: v.array(v.string()),
  head: v.object({
    inputs: count,
    hidden: v.array(count),
    channels: count,
    mean: numbers,
    scale: numbers,
    layers: v.array(v.object({ w: numbers, b: numbers })),
  }),
});

export type LinearHeadFile = v.InferOutput<typeof linearHeadFile>;
export type VoxelHeadFile = v.InferOutput<typeof voxelHeadFile>;

/** The post-processing a saved head was trained with, as it says: its labels are made the same way when loaded. */
export function postprocessOf(settings: Record<string, unknown> | null | undefined): { hierarchy?: boolean } | undefined {
  const p = settings?.postprocess;
  return p && typeof p === 'object' ? { hierarchy: (p as { hierarchy?: unknown }).hierarchy === true } : undefined;
}

/** Reads a saved head: its format first (a newer one is named as such), then every field. */
export function parseHeadFile(text: string): LinearHeadFile | VoxelHeadFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('not a head saved by the studio: the file is not JSON');
  }
  const format = (doc as { format?: unknown } | null)?.format;
  const [kind, version] = /^dino-seg-studio\/(linear|voxel)-head@(\d+)$/.exec(String(format))?.slice(1) ?? [];
  if (!kind) throw new Error('not a head saved by the studio (its "format" names no head the studio writes)');
  if (Number(version) > 1) throw new Error(`this head was written by a newer version of the studio (${kind}-head@${version}); this one reads ${kind}-head@1`);
  const result = v.safeParse(kind === 'linear' ? linearHeadFile : voxelHeadFile, doc);
  if (!result.success) {
    const issue = result.issues[0];
    throw new Error(`the head file's "${v.getDotPath(issue) ?? 'document'}" is not what a ${kind} head holds: ${issue.message}`);
  }
  return result.output;
}
