/** `export`: a label map of a case back to the hospital, as a DICOM SEG citing a series, or as NIfTI on a sequence's own grid. */
import { writeFileSync } from 'node:fs';
import { type BratsCase, referenceVolume } from '../../core/case/case.ts';
import { exportFile, exportLabels } from '../../core/case/exportGrid.ts';
import { MODALITIES, type Modality, shortRoleLabel } from '../../core/case/roles.ts';
import { writeDicomSeg } from '../../core/dicom/seg.ts';
import { taskSegments } from '../../core/dicom/segments.ts';
import { defaultTask, type Task } from '../../core/heads/tasks.ts';
import { flag, type ParsedArgs, UsageError } from '../args.ts';
import { caseIdOfInputs } from '../files.ts';
import { caseLabels } from './caseLabels.ts';
import { readCaseWithDicom, readOptions, ROLE_FLAG, roleOverrides } from './runSetup.ts';

export const exportHelp = `export --case DIR --labels L.nii.gz --format dicom-seg|nifti --out F [--grid flair|t1|t1ce|t2] [--task regions|binary] ${ROLE_FLAG}   write L (on the case's reference grid) as a DICOM SEG citing the chosen sequence's series, or as NIfTI on that sequence's own grid (default: the reference's)`;

/** The sequence whose grid (and, for a SEG, whose series) the export goes onto. */
function gridFile(c: BratsCase, args: ParsedArgs) {
  const role = args.flags.has('grid') ? flag(args, 'grid') : undefined;
  if (role !== undefined && !(MODALITIES as readonly string[]).includes(role)) throw new UsageError(`--grid ${role}: one of ${MODALITIES.join(', ')}`);
  const file = role ? c.files.find((f) => f.role === role) : exportFile(c);
  if (!file) throw new Error(role ? `case ${c.id} has no ${shortRoleLabel(role as Modality)}` : `case ${c.id} is on an isotropic grid: choose the sequence to export onto with --grid`);
  return file;
}

export async function exportCase(args: ParsedArgs): Promise<unknown> {
  const dir = flag(args, 'case');
  const format = flag(args, 'format');
  if (format !== 'dicom-seg' && format !== 'nifti') throw new UsageError('--format must be dicom-seg or nifti');
  const out = flag(args, 'out');
  const { c } = await readCaseWithDicom([dir], caseIdOfInputs([dir]) ?? dir, roleOverrides(args), readOptions(args));
  const { labels, values } = caseLabels(c, flag(args, 'labels'));
  const file = gridFile(c, args);
  const task = (args.flags.has('task') ? flag(args, 'task') : defaultTask(values)) as Task;
  if (task !== 'regions' && task !== 'binary') throw new UsageError('--task must be regions or binary');
  if (format === 'nifti') {
    const bytes = exportLabels(c, labels.data, { onFileGrid: file.name, descrip: 'dino-seg-studio labels' });
    writeFileSync(out, bytes);
    return { format, out, grid: file.name, resampled: c.grid.resampled.includes(file.name), bytes: bytes.length };
  }
  if (!file.dicom) throw new Error(`${file.name} was not read from DICOM: a DICOM SEG cites the DICOM images it lies on (export --format nifti instead, or give the DICOM folder)`);
  const ref = referenceVolume(c);
  const seg = writeDicomSeg({ dims: ref.dims, affine: ref.affine, data: labels.data }, file.dicom, {
    segments: taskSegments(task),
    seriesDescription: `Segmentation (dino-seg-studio) on ${file.dicom.seriesDescription ?? file.name}`,
    algorithm: { type: 'AUTOMATIC', name: 'dino-seg-studio' },
    alignment: file.alignment,
  });
  writeFileSync(out, seg.bytes);
  return { format, out, grid: file.name, series: file.dicom.seriesInstanceUid, frames: seg.frames, segments: seg.segments.map((s) => s.label), bytes: seg.bytes.length };
}
