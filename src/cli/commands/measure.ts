/** `measure`: a label map's read-out, as a clinician reports it (volumes in mL, RANO diameters). */
import { referenceVolume } from '../../core/case/case.ts';
import { readoutJson, regionReadout, rounded, volumeMl } from '../../core/metrics/readout.ts';
import { caseLabels } from './caseLabels.ts';
import { flag, type ParsedArgs } from '../args.ts';
import { caseIdOfInputs } from '../files.ts';
import { readCaseWithDicom, readOptions, ROLE_FLAG, roleOverrides } from './runSetup.ts';

export const measureHelp = `measure --case DIR --labels L.nii.gz ${ROLE_FLAG}   volumes (mL) of each label and region of L (on the case's reference grid, as reslice writes it) and RANO diameters of each region`;


export async function measure(args: ParsedArgs): Promise<unknown> {
  const dir = flag(args, 'case');
  const path = flag(args, 'labels');
  const { c } = await readCaseWithDicom([dir], caseIdOfInputs([dir]) ?? dir, roleOverrides(args), readOptions(args));
  const ref = referenceVolume(c);
  const { labels, values } = caseLabels(c, path);
  const byValue = (v: number) => Uint8Array.from(labels.data, (x) => (x === v ? 1 : 0));
  return {
    case: c.id,
    grid: { reference: c.grid.reference, dims: ref.dims, spacing: ref.spacing.map((s) => rounded(s, 4)) },
    labels: Object.fromEntries(values.map((v) => [v, { volumeMl: rounded(volumeMl(byValue(v), ref.spacing), 3) }])),
    regions: readoutJson(regionReadout(labels.data, ref.dims, ref.spacing)),
  };
}
