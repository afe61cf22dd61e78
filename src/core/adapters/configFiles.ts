/**
 * The adapters' JSON configurations, checked where they enter by one schema each (valibot): PEFT's
 * adapter_config.json for LoRA and rein_config.json for Rein. Only what the studio reads is
 * required; the other keys PEFT writes pass through. A wrong file is refused with the key named.
 */
import * as v from 'valibot';

const count = v.pipe(v.number(), v.integer(), v.minValue(1));
/** What the studio adds to read an adapter back as it trained it (optional in files from elsewhere). */
const studio = v.optional(v.nullable(v.looseObject({ seed: v.optional(v.number()), learning_rate: v.optional(v.number()) })));

const peftConfig = v.looseObject({ peft_type: v.string(), r: count, lora_alpha: v.number(), studio });
const reinConfig = v.looseObject({ embed_dims: count, layers: v.array(v.pipe(v.number(), v.integer(), v.minValue(0))), token_length: count, lora_dim: count, studio });

export type PeftConfig = v.InferOutput<typeof peftConfig>;
export type ReinConfig = v.InferOutput<typeof reinConfig>;

function parseWith<T extends v.GenericSchema>(schema: T, text: string, file: string): v.InferOutput<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON`);
  }
  const r = v.safeParse(schema, doc);
  if (!r.success) throw new Error(`${file}: "${v.getDotPath(r.issues[0]) ?? 'document'}" is missing or not what it should be (${r.issues[0].message})`);
  return r.output;
}

export const parsePeftConfig = (text: string): PeftConfig => parseWith(peftConfig, text, 'adapter_config.json');
export const parseReinConfig = (text: string): ReinConfig => parseWith(reinConfig, text, 'rein_config.json');
