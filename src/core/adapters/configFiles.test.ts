import { expect, it } from 'vitest';
import { parsePeftConfig, parseReinConfig } from './configFiles.ts';

it("reads PEFT's adapter_config.json and rein_config.json, other keys passing through", () => {
  const peft = { peft_type: 'LORA', r: 8, lora_alpha: 16, target_modules: ['query'], base_model_name_or_path: 'facebook/dinov2-small' };
  expect(parsePeftConfig(JSON.stringify(peft))).toEqual(peft);
  const rein = { embed_dims: 384, layers: [10, 11], token_length: 100, lora_dim: 16, studio: { seed: 3 } };
  expect(parseReinConfig(JSON.stringify(rein))).toEqual(rein);
});

it('names the key that is missing or wrong', () => {
  expect(() => parsePeftConfig(JSON.stringify({ peft_type: 'LORA', lora_alpha: 16 }))).toThrow('adapter_config.json: "r" is missing or not what it should be');
  expect(() => parsePeftConfig(JSON.stringify({ peft_type: 'LORA', r: 0, lora_alpha: 16 }))).toThrow('adapter_config.json: "r"');
  expect(() => parseReinConfig(JSON.stringify({ embed_dims: 384, layers: ['10'], token_length: 100, lora_dim: 16 }))).toThrow('rein_config.json: "layers.0"');
  expect(() => parseReinConfig('not json')).toThrow('rein_config.json is not JSON');
});
