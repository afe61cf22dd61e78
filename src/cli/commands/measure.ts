/** `measure`: a label map's read-out, as a clinician reports it (volumes in mL, RANO diameters). */
import { readFileSync } from 'node:fs';
import { referenceVolume } from '../../core/case/case.ts';
import { readoutJson, regionReadout, volumeMl } from '../../core/metrics/readout.ts';
import { compareGrids, loadVolume } from '../../core/volume.ts';
import { flag, type ParsedArgs } from '../args.ts';
import { caseIdOfInputs } from '../files.ts';
import { readCaseWithDicom, readOptions, ROLE_FLAG, roleOverrides } from './runSetup.ts';

export const measureHelp = `measure --case DIR --labels L.nii.gz ${ROLE_FLAG}   volumes (mL) of each label and region of L (on the case's reference grid, as reslice writes it) and RANO diameters of each region`;

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export async function measure(args: ParsedArgs): Promise<unknown> {
  const dir = flag(args, 'case');
  const path = flag(args, 'labels');
  const { c } = await readCaseWithDicom([dir], caseIdOfInputs([dir]) ?? dir, roleOverrides(args), readOptions(args));
  const ref = referenceVolume(c);
  const labels = loadVolume(new Uint8Array(readFileSync(path)), path, { labels: true });
  const mismatch = compareGrids(ref, labels);
  if (mismatch) throw new Error(`${path} is not on the ${c.grid.reference} grid of case ${c.id}: ${mismatch.detail} (write it there with reslice, or export it from the studio)`);
  const values = [...new Set(labels.data)].filter((v) => v !== 0).sort((a, b) => a - b);
  const unexpected = values.filter((v) => ![1, 2, 4].includes(v));
  if (unexpected.length) throw new Error(`${path} holds ${unexpected.join(', ')}: measure reads the studio's labels (1 necrosis, 2 oedema, 4 enhancing), as reslice and the studio's exports write them`);
  const byValue = (v: number) => Uint8Array.from(labels.data, (x) => (x === v ? 1 : 0));
  return {
    case: c.id,
    grid: { reference: c.grid.reference, dims: ref.dims, spacing: ref.spacing.map((s) => round(s, 4)) },
    labels: Object.fromEntries(values.map((v) => [v, { volumeMl: round(volumeMl(byValue(v), ref.spacing), 3) }])),
    regions: readoutJson(regionReadout(labels.data, ref.dims, ref.spacing)),
  };
}
