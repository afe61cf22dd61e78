/** `reslice`: a case whose sequences sit on several grids, written as NIfTI on its one reference grid. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceVolume } from '../../core/case/case.ts';
import { MODALITIES } from '../../core/case/roles.ts';
import { formatReference } from '../../core/case/referenceGrid.ts';
import { exportLikeSource } from '../../core/volume.ts';
import { flag, type ParsedArgs, UsageError } from '../args.ts';
import { caseIdOfInputs } from '../files.ts';
import { alignAll, onCaseGrid } from '../../core/registration/alignCase.ts';
import { shortRoleLabel } from '../../core/case/roles.ts';
import { nodeElastix } from '../elastix.ts';
import { rounded } from '../../core/metrics/readout.ts';
import { readCaseWithDicom, readOptions, ROLE_FLAG, roleOverrides } from './runSetup.ts';

export const resliceHelp = `reslice PATH... --out DIR [--register] ${ROLE_FLAG}   write every sequence (and the label map) on the case's reference grid as DIR/flair.nii.gz, ... with DIR/case.json; --register first aligns each sequence to the reference (rigid, elastix) and records the transforms`;

export async function reslice(args: ParsedArgs): Promise<unknown> {
  if (args.positionals.length === 0) throw new UsageError('reslice needs a case folder or files');
  const out = flag(args, 'out');
  const options = readOptions(args);
  const id = caseIdOfInputs(args.positionals) ?? 'case';
  const read = await readCaseWithDicom(args.positionals, id, roleOverrides(args), options);
  let c = read.c;
  const register = args.flags.has('register');
  if (register && args.flags.get('register')!.length) throw new UsageError('--register takes no value');
  if (register) {
    const started = performance.now();
    c = await alignAll(c, onCaseGrid(c, nodeElastix), { id: c.id, reference: options.reference }, (role, i, n) => process.stderr.write(`aligning ${shortRoleLabel(role)} to the reference (${i + 1}/${n}, elastix rigid)\n`));
    process.stderr.write(`aligned in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  mkdirSync(out, { recursive: true });
  const written: { file: string; role: string; from: string; resampled: boolean; alignment?: unknown }[] = [];
  const like = referenceVolume(c);
  const write = (file: string, role: string, from: string, values: Float32Array, datatype: 2 | 16) => {
    writeFileSync(join(out, file), exportLikeSource(like, values, { datatype, descrip: `dino-seg-studio ${role} on the ${c.grid.reference} grid` }));
    const a = c.files.find((f) => f.name === from)?.alignment;
    written.push({ file, role, from, resampled: c.grid.resampled.includes(from), ...(a ? { alignment: { to: a.to, rotationDeg: rounded(a.rotationDeg, 3), shiftMm: rounded(a.shiftMm, 3), transform: a.transform.map((x) => rounded(x, 6)) } } : {}) });
  };
  for (const m of MODALITIES) {
    const v = c.modalities[m];
    if (v) write(`${m}.nii.gz`, m, c.files.find((f) => f.role === m)!.name, v.data, 16);
  }
  // Label maps in the studio's convention (0, 1, 2, 4), as every other command writes them.
  if (c.labels) write('seg.nii.gz', 'seg', c.labels.fileName, Float32Array.from(c.labels.data), 2);
  // A head mask made for a scan with skull on is written too, so the resliced case reads the same.
  if (c.brainmask) write('brainmask.nii.gz', 'brainmask', c.files.find((f) => f.role === 'brainmask')?.name ?? 'head mask (Otsu)', Float32Array.from(c.brainmask), 2);
  const record = {
    id: c.id,
    reference: { grid: c.grid.reference, choice: options.reference ? formatReference(options.reference) : 'default', dims: like.dims, spacing: like.spacing.map((s) => +s.toFixed(4)) },
    files: written,
  };
  writeFileSync(join(out, 'case.json'), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
