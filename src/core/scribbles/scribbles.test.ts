import { describe, expect, it } from 'vitest';
import { sliceGeometry, voxelIndex } from '../features/slices.ts';
import { createLinearHead } from '../heads/linearHead.ts';
import { uncertaintyOf, voxelPixel } from '../heads/predict.ts';
import { pixelLogits } from '../heads/train.ts';
import { gaussian, mulberry32 } from '../synthetic/random.ts';
import { acceptPrediction } from './accept.ts';
import { addScribbleClass, presetOf, SCRIBBLE_PRESETS, scribbleCounts, scribbleTask } from './classes.ts';
import { fitScribbles } from './fit.ts';
import { balancedClassWeights, type ScribbleSamples, scribbleSamples } from './samples.ts';
import { scribbleScores } from './scores.ts';
import { scribbleRecord, scribblesOf } from './record.ts';
import { parseExperiments } from '../experiments/record.ts';
import { comparisonCsv, comparisonMarkdown } from '../experiments/report.ts';

describe('scribble samples', () => {
  const dims: [number, number, number] = [20, 30, 4];
  const g = sliceGeometry(dims, [1, 1, 1], 'axial', 56); // grid 4, padding on the columns
  const D = 6;
  const rand = mulberry32(5);
  const grids = new Map([0, 1, 2].map((k) => [k, Float32Array.from({ length: 16 * D }, () => rand() * 2 - 1)]));
  const scribbles = new Uint8Array(20 * 30 * 4);
  const marks: [number, number, number, number][] = [
    [1, 2, 3, 1], [1, 2, 4, 1], [1, 10, 12, 2], [2, 0, 0, 3], [2, 29, 19, 1], [2, 15, 7, 2], [3, 5, 5, 2], [3, 6, 5, 2],
  ]; // [slice, row, col, value]
  for (const [k, r, c, v] of marks) scribbles[voxelIndex(g, k, r, c)] = v;

  it('reads each scribbled voxel at the pixel the prediction reads, so its logits are the upsampled ones', async () => {
    const s = await scribbleSamples(scribbles, g, [0, 1, 2], 3, async (k) => grids.get(k)!);
    expect(s.dim).toBe(D);
    expect(s.ignored).toBe(2); // slice 3 has no features
    expect(s.counts).toEqual([3, 2, 1]);
    const head = createLinearHead(D, 3, 9);
    const got = head.logits(s.features);
    const scanned = marks.filter(([k]) => k < 3).sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    scanned.forEach(([k, r, c, v], n) => {
      expect(s.classes[n]).toBe(v - 1);
      const want = pixelLogits(head, grids.get(k)!, g.grid, g.size).subarray(voxelPixel(g, r, c) * 3, voxelPixel(g, r, c) * 3 + 3);
      for (let ch = 0; ch < 3; ch++) expect(got[n * 3 + ch]).toBeCloseTo(want[ch], 5);
    });
  });

  it('weights classes so each has the same total weight, and puts the weight in the targets', async () => {
    expect(balancedClassWeights([30, 10, 0])).toEqual([40 / 60, 40 / 20, 0]);
    const s = await scribbleSamples(scribbles, g, [0, 1, 2], 3, async (k) => grids.get(k)!);
    // counts 3, 2, 1 of N = 6: weights 6/9, 6/6, 6/3
    expect(s.classWeights.map((w) => w.toFixed(4))).toEqual([(2 / 3).toFixed(4), '1.0000', '2.0000']);
    for (let n = 0; n < 6; n++) {
      const row = Array.from(s.targets.subarray(n * 3, n * 3 + 3));
      expect(row.filter((t) => t !== 0)).toHaveLength(1);
      expect(row[s.classes[n]]).toBeCloseTo(s.classWeights[s.classes[n]], 6);
    }
  });

  it('thins a class with too many scribbles and leaves the others', async () => {
    const many = new Uint8Array(scribbles.length);
    for (let r = 0; r < 30; r++) for (let c = 0; c < 20; c++) many[voxelIndex(g, 1, r, c)] = 1;
    many[voxelIndex(g, 1, 4, 4)] = 2;
    const s = await scribbleSamples(many, g, [1], 2, async (k) => grids.get(k)!, { maxPerClass: 60, seed: 1 });
    expect(s.counts[1]).toBe(1);
    expect(s.counts[0]).toBeGreaterThan(20);
    expect(s.counts[0]).toBeLessThan(120); // ~60 of 599
  });
});

describe('fitting scribbles', () => {
  // One feature, background ~ N(0, 1), the class ~ N(1.5, 1), 50 times more background. With
  // balanced weights the fitted boundary is the midpoint 0.75, so recall = Phi(0.75) = 0.77;
  // unweighted, the prior moves it by ln(50) / 1.5 = 2.6, so recall = Phi(-1.86) = 0.03.
  function samples(weighted: boolean): ScribbleSamples {
    const randn = gaussian(mulberry32(3));
    const counts = [2000, 40];
    const N = 2040;
    const features = new Float32Array(N);
    const classes = new Uint8Array(N);
    for (let n = 0; n < N; n++) {
      classes[n] = n < 2000 ? 0 : 1;
      features[n] = randn() + (classes[n] ? 1.5 : 0);
    }
    const classWeights = weighted ? balancedClassWeights(counts) : [1, 1];
    const targets = new Float32Array(N * 2);
    for (let n = 0; n < N; n++) targets[n * 2 + classes[n]] = classWeights[classes[n]];
    return { dim: 1, features, targets, classes, counts, classWeights, ignored: 0 };
  }
  const recall = (weighted: boolean) => {
    const spec = scribbleTask(SCRIBBLE_PRESETS.lesion.classes);
    const head = createLinearHead(1, 2, 1);
    let last = Infinity;
    for (const { loss } of fitScribbles(head, samples(weighted), spec, { steps: 1500, learningRate: 0.05 })) last = loss;
    const randn = gaussian(mulberry32(8));
    let found = 0;
    for (let i = 0; i < 4000; i++) {
      const l = head.logits(Float32Array.of(randn() + 1.5));
      if (l[1] > l[0]) found++;
    }
    return { recall: found / 4000, loss: last };
  };

  it('class weights keep a rare class from being drowned, as the Gaussian boundary predicts', () => {
    const w = recall(true);
    const u = recall(false);
    expect(w.recall).toBeGreaterThan(0.68);
    expect(w.recall).toBeLessThan(0.86);
    expect(u.recall).toBeLessThan(0.12);
  });

  it('refuses samples of another feature size', () => {
    const head = createLinearHead(4, 2, 1);
    expect(() => fitScribbles(head, samples(true), scribbleTask(SCRIBBLE_PRESETS.lesion.classes), { steps: 1, learningRate: 0.1 }).next()).toThrow(/expects 4 features/);
  });
});

describe('scribble classes, scores, uncertainty, accepting', () => {
  it('adds named classes with the next label and a fresh colour, and refuses duplicates', () => {
    const classes = addScribbleClass(SCRIBBLE_PRESETS.lesion.classes, ' Cyst ');
    expect(classes.at(-1)!.name).toBe('Cyst');
    expect(classes.at(-1)!.label).toBe(2);
    expect(new Set(classes.map((c) => c.rgb.join())).size).toBe(3);
    expect(() => addScribbleClass(classes, 'cyst')).toThrow(/already/);
    expect(scribbleTask(classes).labels).toEqual([0, 1, 2]);
    expect(scribbleCounts(Uint8Array.of(0, 1, 1, 3, 2, 9), 3)).toEqual([2, 1, 1]);
    // The preset is read back from the classes, added classes or not (4 classes is not BraTS here).
    expect(presetOf(addScribbleClass(classes, 'Other'))).toBe('lesion');
    expect(presetOf(SCRIBBLE_PRESETS.brats.classes)).toBe('brats');
  });

  it('scores BraTS classes as regions and other classes one by one', () => {
    const truth = Uint8Array.of(0, 1, 2, 4, 4, 0);
    const pred = Uint8Array.of(0, 2, 2, 4, 0, 0);
    // WT: pred {1,2,3} truth {1,2,3,4} -> 6/7; TC: pred {3} truth {1,3,4} -> 2/4; ET: pred {3} truth {3,4} -> 2/3
    const brats = scribbleScores(pred, truth, SCRIBBLE_PRESETS.brats.classes);
    expect(brats.map((s) => s.name)).toEqual(['WT', 'TC', 'ET']);
    expect(brats.map((s) => s.dice)).toEqual([6 / 7, 2 / 4, 2 / 3]);
    const custom = addScribbleClass(SCRIBBLE_PRESETS.lesion.classes, 'Other'); // labels 1, 2
    expect(scribbleScores(Uint8Array.of(1, 1, 2, 0), Uint8Array.of(1, 0, 2, 2), custom).map((s) => s.dice)).toEqual([2 / 3, 2 / 3]);
  });

  it('rates a coin toss 1 and a sure output near 0', () => {
    const soft = scribbleTask(SCRIBBLE_PRESETS.brats.classes);
    expect(uncertaintyOf(soft, Float32Array.of(2, 2, 2, 2), 0)).toBeCloseTo(1, 6);
    expect(uncertaintyOf(soft, Float32Array.of(20, 0, 0, 0), 0)).toBeLessThan(1e-6);
    // two of four equally likely: ln 2 / ln 4
    expect(uncertaintyOf(soft, Float32Array.of(50, 50, 0, 0), 0)).toBeCloseTo(0.5, 6);
    const sig = { task: 'regions' as const, channels: ['WT', 'TC'], activation: 'sigmoid' as const };
    expect(uncertaintyOf(sig, Float32Array.of(9, 0), 0)).toBeCloseTo(1, 6);
  });

  it('accepts one slice of a prediction into a label map, or the whole volume', () => {
    const g = sliceGeometry([3, 2, 2], [1, 1, 1], 'axial', 14);
    const prediction = Uint8Array.from({ length: 12 }, (_, i) => (i % 3) + 1);
    const old = new Uint8Array(12).fill(7);
    const slice1 = acceptPrediction(old, prediction, { g, slice: 1 });
    expect(Array.from(slice1)).toEqual([7, 7, 7, 7, 7, 7, 1, 2, 3, 1, 2, 3]); // axial slice 1 = z = 1, the second half
    expect(Array.from(old)).toEqual(new Array(12).fill(7));
    expect(Array.from(acceptPrediction(null, prediction, { g, slice: 0 }))).toEqual([1, 2, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0]);
    expect(acceptPrediction(old, prediction, 'volume')).toEqual(prediction);
    expect(() => acceptPrediction(new Uint8Array(5), prediction, 'volume')).toThrow(/voxels/);
  });
});

describe('a scribble session as an experiment', () => {
  it('keeps its scribbles and curve through JSON, and says how it was trained and scored', () => {
    const scribbles = new Uint8Array(40 * 40 * 10);
    scribbles.fill(1, 100, 160);
    scribbles.fill(4, 900, 905);
    const record = scribbleRecord({
      caseId: 'c1',
      mapping: ['flair', 't1ce', 't2'],
      model: { name: 'tiny', randomWeights: true, dim: 64 },
      input: { plane: 'axial', size: 224 },
      classes: SCRIBBLE_PRESETS.brats.classes,
      strokes: 3,
      scribbled: scribbleCounts(scribbles, 4),
      curve: [{ strokes: 2, scores: [{ name: 'WT', dice: 0.5 }] }],
      scribbles,
      scores: [{ region: 'WT', dice: 0.8, hd95: Infinity }],
      perSlice: { slices: [], dice: { WT: [], TC: [], ET: [] } },
      seed: 0,
    });
    const [back] = parseExperiments(JSON.parse(JSON.stringify([record])));
    expect(scribblesOf(back)).toEqual(scribbles);
    expect(back.scribbles!.curve).toEqual(record.scribbles!.curve);
    expect(back.cases[0].evaluation).toEqual({ kind: 'scribbles', strokes: 3, scribbled: [60, 0, 0, 5] });
    expect(back.cases[0].scores).toEqual([{ region: 'WT', dice: 0.8, hd95: null }]);
    expect(back.name).toBe('Scribbles, 3 strokes (FLAIR / T1gd / T2)');
    expect(comparisonCsv([back]).split('\n')[1]).toContain('whole volume (trained on 3 strokes of scribbles)');
    expect(comparisonMarkdown([back, { ...back, id: 'other' }])).toContain('trained on 3 strokes of scribbles (65 voxels)');
  });
});
