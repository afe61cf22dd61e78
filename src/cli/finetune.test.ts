import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const tmp = mkdtempSync(join(tmpdir(), 'finetune-'));
const weights = join(tmp, 'tiny.safetensors');
const [a, b] = [join(tmp, 'synthetic-7'), join(tmp, 'synthetic-8')];

beforeAll(() => {
  expect(studio('make-checkpoint', '--preset', 'tiny', '--seed', '2', '--naming', 'hf', '--out', weights).status).toBe(0);
  for (const [dir, seed] of [[a, '7'], [b, '8']]) expect(studio('synth', '--out', dir, '--dims', '48,48,32', '--seed', seed).status).toBe(0);
}, 120_000);

const common = ['--weights', weights, '--size', '112', '--epochs', '2', '--seed', '3'];

it('trains LoRA on one case and scores another beside the frozen probe; at adapter learning rate 0 the two agree, and the PEFT files are written', () => {
  const out = join(tmp, 'lora');
  const r = studio('finetune', '--train', a, '--test', b, '--adapter', 'lora', '--rank', '4', '--adapter-lr', '0', '--out-dir', out, ...common);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/lora: \d+ training steps at [\d.]+ s a step: about \d+ min/);
  const o = JSON.parse(r.stdout);
  expect(o.evaluation).toContain('test cases');
  expect(o.cases.map((c: { case: string }) => c.case)).toEqual(['synthetic-8']);
  for (const region of ['WT', 'TC', 'ET']) {
    const [frozen, adapted] = [o.cases[0].frozen[region], o.cases[0].adapted[region]];
    if (frozen === null) expect(adapted).toBeNull();
    else expect(Math.abs(adapted - frozen), region).toBeLessThan(0.02);
  }
  // rank 4 on qkv (three pairs) and proj of both blocks: 2 x 4 pairs x (4 x 64 + 64 x 4) values
  expect(o.adapter.parameters).toBe(2 * 4 * (4 * 64 + 64 * 4));
  const config = JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'));
  expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 16, layers_to_transform: [0, 1] });
  expect(existsSync(join(out, 'adapter_model.safetensors'))).toBe(true);
}, 300_000);

it('trains Rein on held-out slices of one case and writes its files; asks for test cases when given several training cases', () => {
  const out = join(tmp, 'rein');
  const r = studio('finetune', '--train', a, '--adapter', 'rein', '--tokens', '10', '--blocks', '1', '--out-dir', out, ...common);
  expect(r.status, r.stderr).toBe(0);
  const o = JSON.parse(r.stdout);
  expect(o.cases[0].heldOutSlices).toBeGreaterThan(0);
  expect(Object.keys(o.cases[0].adapted)).toEqual(['WT', 'TC', 'ET']);
  expect(JSON.parse(readFileSync(join(out, 'rein_config.json'), 'utf8'))).toMatchObject({ adapter: 'rein', layers: [1], token_length: 10 });

  const several = studio('finetune', '--train', a, b, '--adapter', 'rein', ...common);
  expect(several.status).toBe(2);
  expect(several.stderr).toContain('without --test, give one --train case');
  const unknown = studio('finetune', '--train', a, '--adapter', 'dora', ...common);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain('--adapter must be lora or rein');
}, 300_000);
