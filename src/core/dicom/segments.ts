/**
 * What each label of an exported label map is, in the codes a DICOM SEG carries (SNOMED CT), so a
 * PACS or viewer reading it knows necrosis from oedema without the studio's label numbers.
 */
import { BRATS_CLASSES, LABEL_ED, LABEL_ET, LABEL_NCR } from '../case/labels.ts';
import type { Task } from '../heads/tasks.ts';

/** A coded concept (SNOMED CT or DICOM), as a code sequence item. */
export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

export interface Segment {
  /** The label value the segment is made of. */
  value: number;
  label: string;
  category: Code;
  type: Code;
  /** sRGB, shown by viewers as the segment's colour. */
  rgb: readonly [number, number, number];
}

const ALTERED: Code = { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Altered Structure' };

const TUMOUR_TYPES: Record<number, Code> = {
  [LABEL_NCR]: { value: '6574001', scheme: 'SCT', meaning: 'Necrosis' },
  [LABEL_ED]: { value: '79654002', scheme: 'SCT', meaning: 'Edema' },
  [LABEL_ET]: { value: '108369006', scheme: 'SCT', meaning: 'Neoplasm' },
};

/** The studio's tumour labels (names and colours as the viewer shows them) as coded SEG segments. */
export const TUMOUR_SEGMENTS: Segment[] = BRATS_CLASSES.map((c) => ({ value: c.value, label: c.name, category: ALTERED, type: TUMOUR_TYPES[c.value], rgb: c.rgb }));
export const LESION_SEGMENTS: Segment[] = [{ value: 1, label: 'Lesion', category: ALTERED, type: { value: '52988006', scheme: 'SCT', meaning: 'Lesion' }, rgb: [250, 120, 40] }];

/** The segments a task's label map holds: a lesion, or the tumour's labels. */
export const taskSegments = (task: Task): Segment[] => (task === 'binary' ? LESION_SEGMENTS : TUMOUR_SEGMENTS);

const TISSUE: Code = { value: '85756007', scheme: 'SCT', meaning: 'Tissue' };

/**
 * Segments of named classes (scribble classes): a preset's class keeps its code; a class the user
 * named is coded as tissue, its name the segment's label.
 */
export function classSegments(classes: { name: string; label: number; rgb: readonly [number, number, number] }[]): Segment[] {
  const known = [...TUMOUR_SEGMENTS, ...LESION_SEGMENTS];
  return classes
    .filter((c) => c.label > 0)
    .map((c) => {
      const coded = known.find((s) => s.value === c.label && s.label.toLowerCase() === c.name.toLowerCase());
      return coded ?? { value: c.label, label: c.name, category: TISSUE, type: TISSUE, rgb: c.rgb };
    });
}

