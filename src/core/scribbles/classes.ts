/**
 * Scribble classes: what each pen paints. Class 0 is always background; the others are named,
 * coloured and carry the studio label they write into a label map. In the scribble volume (and
 * in Niivue's drawing) class i is stored as value i + 1, so 0 stays "not scribbled".
 */
import { BRATS_CLASSES } from '../case/labels.ts';
import type { TaskSpec } from '../heads/tasks.ts';

export interface ScribbleClass {
  name: string;
  /** The studio label this class becomes in a label map (0 for background). */
  label: number;
  rgb: readonly [number, number, number];
}

export const BACKGROUND: ScribbleClass = { name: 'Background', label: 0, rgb: [60, 140, 255] };

export const SCRIBBLE_PRESETS: Record<'brats' | 'lesion', { name: string; classes: ScribbleClass[] }> = {
  brats: { name: 'BraTS (NCR, oedema, enhancing)', classes: [BACKGROUND, ...BRATS_CLASSES.map((c) => ({ name: c.name, label: c.value, rgb: c.rgb }))] },
  lesion: { name: 'Lesion', classes: [BACKGROUND, { name: 'Lesion', label: 1, rgb: [250, 120, 30] }] },
};

/** The preset a class list starts from (classes the user added come after the preset's). */
export function presetOf(classes: ScribbleClass[]): keyof typeof SCRIBBLE_PRESETS {
  const keys = Object.keys(SCRIBBLE_PRESETS) as (keyof typeof SCRIBBLE_PRESETS)[];
  const startsWith = (k: keyof typeof SCRIBBLE_PRESETS) => SCRIBBLE_PRESETS[k].classes.every((c, i) => classes[i]?.name === c.name && classes[i].label === c.label);
  return keys.find(startsWith) ?? 'brats';
}

/** Colours for classes the user adds, after the presets' own. */
const PALETTE: [number, number, number][] = [
  [200, 80, 220],
  [30, 200, 200],
  [240, 150, 170],
  [150, 110, 60],
  [170, 170, 255],
];

/** A new named class: the next free label and an unused colour. */
export function addScribbleClass(classes: ScribbleClass[], name: string): ScribbleClass[] {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('a class needs a name');
  if (classes.some((c) => c.name.toLowerCase() === trimmed.toLowerCase())) throw new Error(`there is already a class named ${trimmed}`);
  if (classes.length >= 254) throw new Error('at most 253 classes besides background');
  const label = Math.max(...classes.map((c) => c.label)) + 1;
  const rgb = PALETTE.find((p) => !classes.some((c) => c.rgb.join() === p.join())) ?? PALETTE[classes.length % PALETTE.length];
  return [...classes, { name: trimmed, label, rgb }];
}

/** The value class i has in the scribble volume and Niivue's drawing. */
export const penValue = (classIndex: number) => classIndex + 1;

/** A softmax head over the classes, each output standing for its class's label. */
export function scribbleTask(classes: ScribbleClass[]): TaskSpec {
  return { task: 'labels', channels: classes.map((c) => c.name), activation: 'softmax', labels: classes.map((c) => c.label) };
}

/** Scribbled voxels per class (index 0 background), for the panel and the class weights. */
export function scribbleCounts(scribbles: Uint8Array, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < scribbles.length; i++) {
    const v = scribbles[i];
    if (v > 0 && v <= classCount) counts[v - 1]++;
  }
  return counts;
}
