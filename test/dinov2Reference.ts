/** Access to ../shared/dinov2-reference: inputs, outputs, weights, and the Hugging Face naming derived from name-map.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors, toFloat32, writeSafetensors, type TensorToWrite } from '../src/core/weights/safetensors.ts';

export const REFERENCE = join(import.meta.dirname, '..', '..', 'shared', 'dinov2-reference');

export function readBin(path: string): Float32Array {
  const b = readFileSync(join(REFERENCE, path));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function readShape(path: string): number[] {
  return JSON.parse(readFileSync(join(REFERENCE, path.replace(/\.bin$/, '.json')), 'utf8')).shape;
}

export function weightsFile(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(REFERENCE, path)));
}

interface Rule {
  orig: string;
  hf: string | string[];
}

/** Renames an original-named checkpoint to Hugging Face names by name-map.json's rules, splitting qkv. */
export function toHfNaming(orig: Uint8Array): Uint8Array {
  const rules = (JSON.parse(readFileSync(join(REFERENCE, 'name-map.json'), 'utf8')) as { rules: Rule[] }).rules;
  const compiled = rules.map((r) => ({
    re: new RegExp(`^${r.orig.replace(/\./g, '\\.').replace('{i}', '(?<i>\\d+)').replace('{p}', '(?<p>weight|bias)')}$`),
    hf: r.hf,
  }));
  const out: TensorToWrite[] = [];
  for (const [name, t] of parseSafetensors(orig).tensors) {
    const rule = compiled.find((c) => c.re.test(name));
    if (!rule) throw new Error(`no rule for ${name}`);
    const g = rule.re.exec(name)!.groups ?? {};
    const fill = (s: string) => s.replace('{i}', g.i ?? '').replace('{p}', g.p ?? '');
    const values = toFloat32(t);
    if (Array.isArray(rule.hf)) {
      const part = values.length / 3;
      rule.hf.forEach((hfName, k) =>
        out.push({ name: fill(hfName), shape: [t.shape[0] / 3, ...t.shape.slice(1)], values: values.slice(k * part, (k + 1) * part) }),
      );
    } else out.push({ name: fill(rule.hf), shape: t.shape, values });
  }
  return writeSafetensors(out, 'F32', { naming: 'hf' });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
