/**
 * The authors' state_dict names and Hugging Face's Dinov2Model / Dinov2WithRegistersModel names,
 * one table read both ways (the rules of transformers' convert_dinov2_to_hf.py). {i} is the block
 * index, {p} weight or bias. qkv is special: Hugging Face splits it into query, key and value.
 */
const RULES: [orig: string, hf: string][] = [
  ['cls_token', 'embeddings.cls_token'],
  ['mask_token', 'embeddings.mask_token'],
  ['pos_embed', 'embeddings.position_embeddings'],
  ['register_tokens', 'embeddings.register_tokens'],
  ['patch_embed.proj.{p}', 'embeddings.patch_embeddings.projection.{p}'],
  ['blocks.{i}.norm1.{p}', 'encoder.layer.{i}.norm1.{p}'],
  ['blocks.{i}.attn.proj.{p}', 'encoder.layer.{i}.attention.output.dense.{p}'],
  ['blocks.{i}.ls1.gamma', 'encoder.layer.{i}.layer_scale1.lambda1'],
  ['blocks.{i}.norm2.{p}', 'encoder.layer.{i}.norm2.{p}'],
  ['blocks.{i}.mlp.fc1.{p}', 'encoder.layer.{i}.mlp.fc1.{p}'],
  ['blocks.{i}.mlp.fc2.{p}', 'encoder.layer.{i}.mlp.fc2.{p}'],
  ['blocks.{i}.mlp.w12.{p}', 'encoder.layer.{i}.mlp.weights_in.{p}'],
  ['blocks.{i}.mlp.w3.{p}', 'encoder.layer.{i}.mlp.weights_out.{p}'],
  ['blocks.{i}.ls2.gamma', 'encoder.layer.{i}.layer_scale2.lambda1'],
  ['norm.{p}', 'layernorm.{p}'],
];

export const QKV_PARTS = ['query', 'key', 'value'] as const;
const QKV_ORIG = 'blocks.{i}.attn.qkv.{p}';
const QKV_HF = 'encoder.layer.{i}.attention.attention.{part}.{p}';

function pattern(template: string): RegExp {
  const escaped = template.replace(/\./g, '\\.').replace('{i}', '(?<i>\\d+)').replace('{p}', '(?<p>weight|bias)').replace('{part}', '(?<part>query|key|value)');
  return new RegExp(`^${escaped}$`);
}

const compiled = RULES.map(([orig, hf]) => ({ orig, hf, origRe: pattern(orig), hfRe: pattern(hf) }));
const qkvOrigRe = pattern(QKV_ORIG);
const qkvHfRe = pattern(QKV_HF);

function fill(template: string, groups: Record<string, string | undefined>): string {
  return template.replace('{i}', groups.i ?? '').replace('{p}', groups.p ?? '').replace('{part}', groups.part ?? '');
}

/** A Hugging Face name in the authors' naming; for query/key/value, which part of qkv it is. */
export function hfToOrig(name: string): { name: string; qkvPart?: (typeof QKV_PARTS)[number] } | null {
  const q = qkvHfRe.exec(name);
  if (q) return { name: fill(QKV_ORIG, q.groups!), qkvPart: q.groups!.part as (typeof QKV_PARTS)[number] };
  for (const r of compiled) {
    const m = r.hfRe.exec(name);
    if (m) return { name: fill(r.orig, m.groups ?? {}) };
  }
  return null;
}

/** An authors' name in Hugging Face's naming; qkv gives three names, in query, key, value order. */
export function origToHf(name: string): string[] | null {
  const q = qkvOrigRe.exec(name);
  if (q) return QKV_PARTS.map((part) => fill(QKV_HF, { ...q.groups, part }));
  for (const r of compiled) {
    const m = r.origRe.exec(name);
    if (m) return [fill(r.hf, m.groups ?? {})];
  }
  return null;
}
