/**
 * A label volume of the open case as a DICOM SEG, citing the series of the sequence exports go
 * onto (the case grid's, or the file the user chose): made in the worker, handed to the page to save.
 */
import { type BratsCase, referenceVolume } from '../core/case/case.ts';
import type { CaseFile } from '../core/case/caseFile.ts';
import { exportFile } from '../core/case/exportGrid.ts';
import { ROLE_LABELS, type Modality } from '../core/case/roles.ts';
import type { SegOptions } from '../core/dicom/seg.ts';
import type { Segment } from '../core/dicom/segments.ts';
import { computeClient } from '../worker/client.ts';
import { useCase } from './case.ts';
import { report } from './messages.ts';

/** The file a SEG would cite, or why none can be written (null: the case has no DICOM series at all). */
export function segTarget(current: BratsCase | null, exportGrid: string | undefined): { file?: CaseFile; why?: string } | null {
  if (!current?.files.some((f) => f.dicom)) return null;
  const file = exportFile(current, exportGrid);
  if (!file) return { why: 'The case is on an isotropic grid, which no DICOM series has: choose a sequence in "Export on" to cite its series.' };
  if (!file.dicom) return { why: `${file.name} was not read from DICOM: a SEG cites the DICOM images it lies on.` };
  if (file.dicom.unusable) return { why: `The series of ${file.name} cannot be cited: ${file.dicom.unusable}.` };
  return { file };
}

export async function exportDicomSeg(labels: Uint8Array, segments: Segment[], algorithm: SegOptions['algorithm'], what: string): Promise<{ name: string; bytes: Uint8Array } | null> {
  const { current: c, exportGrid } = useCase.getState();
  const target = segTarget(c, exportGrid);
  if (!c || !target?.file) {
    if (target?.why) report('error', target.why, 'dicom-seg');
    return null;
  }
  const { file } = target;
  const ref = referenceVolume(c);
  const series = file.dicom!.seriesDescription ?? file.name;
  try {
    const seg = await computeClient().request('dicomSeg', { labels: labels.slice(), dims: ref.dims, affine: ref.affine, source: file.dicom!, segments, algorithm, description: `${what} (dino-seg-studio) on ${series}`, alignment: file.alignment });
    report('info', `DICOM SEG of the ${what.toLowerCase()}: ${seg.frames} frames on the ${ROLE_LABELS[file.role as Modality] ?? file.role} series "${series}" (${seg.segments.join(', ')}). It carries that series' patient and study, so a PACS files it with the study.`, 'dicom-seg');
    return { name: `${c.id}_${what.toLowerCase().replace(/\W+/g, '-')}.seg.dcm`, bytes: seg.bytes };
  } catch (e) {
    report('error', `No DICOM SEG was written: ${(e as Error).message}.`, 'dicom-seg');
    return null;
  }
}
