import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSyntheticCase } from '../../core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../../core/synthetic/files.ts';
import { intFlag, flag, type ParsedArgs, UsageError } from '../args.ts';

export const synthHelp = 'synth --out DIR [--seed N] [--dims 240,240,155] [--count K]   write synthetic BraTS-like cases as .nii.gz';

export function synth(args: ParsedArgs): unknown {
  const out = flag(args, 'out');
  const seed = intFlag(args, 'seed', 1);
  const count = intFlag(args, 'count', 1);
  const dims = flag(args, 'dims', '240,240,155').split(',').map(Number);
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 16)) throw new UsageError('--dims takes three integers >= 16, e.g. 240,240,155');
  const cases = [];
  for (let k = 0; k < count; k++) {
    const c = generateSyntheticCase({ seed: seed + k, dims: dims as [number, number, number] });
    const dir = count > 1 ? join(out, c.id) : out;
    mkdirSync(dir, { recursive: true });
    const files = syntheticCaseFiles(c);
    for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
    cases.push({ id: c.id, dir, files: files.map((f) => f.name), tumour: c.tumour });
  }
  return { cases };
}
