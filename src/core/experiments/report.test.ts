import { expect, it } from 'vitest';
import { compareExperiments } from './comparison.ts';
import { EXPERIMENT_FORMAT, type ExperimentRecord, parseExperiments } from './record.ts';
import { comparisonCsv, comparisonHtml, comparisonMarkdown, CURVE_PANEL, curvesAxis, formatDice, formatDifference, formatMeanSd, sliceCurvesSvg, tableCaption } from './report.ts';

function experiment(name: string, mapping: string, dice: Record<string, [number, number, number]>): ExperimentRecord {
  return {
    format: EXPERIMENT_FORMAT,
    id: name,
    name,
    createdAt: '2026-11-29T00:00:00Z',
    mapping,
    model: { name: 'tiny', randomWeights: true, dim: 64 },
    input: { plane: 'axial', size: 224 },
    settings: { task: 'regions', epochs: 5, batchSize: 8, learningRate: 0.01, seed: 3, validation: 0.2, loss: { crossEntropy: 1, dice: 1 } },
    cases: Object.entries(dice).map(([id, [wt, tc, et]]) => ({
      id,
      evaluation: { kind: 'held-out slices', trainSlices: [1, 2, 3], heldOut: [10, 11, 12] },
      scores: [
        { region: 'WT', dice: wt, hd95: 4 },
        { region: 'TC', dice: tc, hd95: null },
        { region: 'ET', dice: et, hd95: 2 },
      ],
      perSlice: { slices: [10, 11, 12], dice: { WT: [0.5, null, 0.7], TC: [null, null, null], ET: [0.1, 0.2, 0.3] } },
    })),
  };
}

const a: ExperimentRecord = { ...experiment('FLAIR / T1gd / T2', 'flair,t1ce,t2', { c1: [0.9, 0.6, 0.5], c2: [0.8, 0.4, 0.3] }), inputs: { modalities: ['flair', 't1ce', 't2'], voxelModalities: [], voxelInputsFixed: false } };
const b: ExperimentRecord = { ...experiment('FLAIR only', 'flair,flair,flair', { c1: [0.9, 0.5, 0.2], c2: [0.7, 0.4, 0.2] }), inputs: { modalities: ['flair'], voxelModalities: [], voxelInputsFixed: false } };

it('tabulates mean ± sd per region and the paired difference against the first', () => {
  const t = compareExperiments([a, b]);
  expect(t.cases).toEqual(['c1', 'c2']);
  // ET of a: 0.5 and 0.3 -> mean 0.4, sd sqrt(((0.1)^2 + (0.1)^2) / 1) = 0.1414
  expect(t.rows[0].dice.ET.mean).toBeCloseTo(0.4);
  expect(t.rows[0].dice.ET.sd).toBeCloseTo(Math.SQRT2 / 10);
  // Differences b - a for ET: -0.3 and -0.1 -> mean -0.2, sd 0.1414
  expect(t.differences[0].dice.ET.mean).toBeCloseTo(-0.2);
  expect(t.differences[0].dice.ET.sd).toBeCloseTo(Math.SQRT2 / 10);
  // HD95 null (one mask empty) is left out, not averaged as 0.
  expect(t.rows[0].hd95.TC.n).toBe(0);
  expect(t.rows[0].hd95.WT).toEqual({ mean: 4, sd: 0, n: 2 });
});

it('writes a spread only where there are two or more values', () => {
  expect(formatMeanSd({ mean: 0.41234, sd: 0.0312, n: 2 })).toBe('0.412 ± 0.031');
  expect(formatMeanSd({ mean: 0.41234, sd: 0, n: 1 })).toBe('0.412');
  expect(formatMeanSd({ mean: 0, sd: 0, n: 0 })).toBe('n/a');
  expect(formatDifference({ mean: 0.15, sd: 0, n: 1 })).toBe('+0.150');
  expect(formatDifference({ mean: -0.2, sd: 0.09, n: 3 })).toBe('-0.200 ± 0.090');
});

it('writes one CSV row per experiment x case x region', () => {
  const rows = comparisonCsv([a, b]).trim().split('\n');
  expect(rows[0]).toBe('experiment,mapping,model,random_weights,task,seed,case,evaluation,region,dice,hd95_mm,versus,pairs,mean_difference,ci95_low,ci95_high,wilcoxon_p,modalities_read,volume_ml_predicted,volume_ml_true');
  expect(rows.length).toBe(1 + 2 * 2 * 3 + 3);
  expect(rows).toContain('FLAIR only,"flair,flair,flair",tiny,true,regions,3,c2,held-out slices 10-12,ET,0.2000,2.00,,,,,,,flair,,');
  expect(rows).toContain('FLAIR / T1gd / T2,"flair,t1ce,t2",tiny,true,regions,3,c1,held-out slices 10-12,TC,0.6000,,,,,,,,flair t1ce t2,,');
});

it('pairs the cases: ET differences -0.3 and -0.1 give mean -0.2, a bootstrap interval [-0.3, -0.1] and an exact Wilcoxon p of 2/4', () => {
  // By hand: resampled means of {-0.3, -0.1} are -0.3, -0.2, -0.1 with chances 1/4, 1/2, 1/4, so
  // the 2.5 % and 97.5 % points are the extremes; both signs negative: rank sum 0, p = 2 * 1/2^2.
  const rows = comparisonCsv([a, b]).trim().split('\n');
  expect(rows).toContain('FLAIR only,"flair,flair,flair",tiny,true,regions,3,,paired difference by case,ET,,,FLAIR / T1gd / T2,2,-0.2000,-0.3000,-0.1000,0.5000,flair,,');
  const md = comparisonMarkdown([a, b]);
  expect(md).toContain('| FLAIR only − FLAIR / T1gd / T2 | ET | 2 | -0.200 [-0.300, -0.100] | -0.200 | p = 0.500 |');
  expect(md).toContain('| FLAIR / T1gd / T2 (median) | 0.850 | 0.500 | 0.400 |');
  expect(comparisonHtml([a, b])).toContain('Dice per case, paired across experiments');
  // One case: nothing to pair, no paired rows or table.
  const one = (e: ExperimentRecord) => ({ ...e, cases: e.cases.slice(0, 1) });
  expect(comparisonCsv([one(a), one(b)])).not.toContain('paired difference');
  expect(comparisonMarkdown([one(a), one(b)])).not.toContain('Paired by case');
});

it('lists test cases’ volumes, predicted / true, in the CSV and the report; held-out cases have none', () => {
  const tested: ExperimentRecord = {
    ...a,
    cases: [{ ...a.cases[0], evaluation: { kind: 'test case', trainCases: ['c9'] }, volumes: [{ region: 'WT', predictedMl: 41.25, truthMl: 39.772 }, { region: 'TC', predictedMl: 9.5, truthMl: 9.557 }, { region: 'ET', predictedMl: 0, truthMl: 6.159 }] }],
  };
  const other = { ...b, cases: b.cases.slice(0, 1) };
  expect(comparisonCsv([tested, other])).toContain(',WT,0.9000,4.00,,,,,,,flair t1ce t2,41.250,39.772\n');
  const md = comparisonMarkdown([tested, other]);
  expect(md).toContain('| FLAIR / T1gd / T2 | c1 | 41.3 / 39.8 | 9.5 / 9.6 | 0.0 / 6.2 |');
  expect(comparisonHtml([tested, other])).toContain('<h2>Volumes</h2>');
  expect(comparisonMarkdown([a, b])).not.toContain('## Volumes');
});

it('the summaries state the model, that its weights are random, the mappings, the split and the numbers', () => {
  for (const text of [comparisonMarkdown([a, b]), comparisonHtml([a, b])]) {
    expect(text).toContain('RANDOM weights');
    expect(text).toContain('FLAIR only = R: FLAIR, G: FLAIR, B: FLAIR');
    expect(text).toContain('Modalities read: FLAIR / T1gd / T2 reads FLAIR, T1gd, T2; FLAIR only reads FLAIR');
    expect(text).toContain('held out');
    expect(text).toContain('0.400 ± 0.141'); // ET of the first
    expect(text).toContain('-0.200 ± 0.141'); // the difference
  }
  expect(comparisonHtml([a, b])).toContain('<svg');
});

it('draws per-slice curves with gaps where Dice is undefined', () => {
  const svg = sliceCurvesSvg([a, b], 'c1');
  // WT: slices 10 and 12 with a gap at 11, so two separate moves and no line.
  const wtPaths = [...svg.matchAll(/<path d="(M[^"]*)" fill="none"/g)].map((m) => m[1]);
  expect(wtPaths[0].match(/M/g)!.length).toBe(2);
  expect(wtPaths[0]).not.toContain('L');
  // ET: three points joined.
  expect(wtPaths.some((d) => d.split('L').length === 3)).toBe(true);
});

it('a click on the chart reads back the slice drawn under it, in any region panel', () => {
  const axis = curvesAxis([a, b], 'c1');
  expect(axis.slices).toEqual([10, 11, 12]);
  // The points drawn for slice 12 (its dots' x in the SVG), clicked in the second panel too.
  const svg = sliceCurvesSvg([a, b], 'c1');
  const x12 = axis.x(12);
  expect(svg).toContain(`cx="${x12.toFixed(1)}"`);
  expect(axis.sliceAt(x12)).toBe(12);
  expect(axis.sliceAt(CURVE_PANEL.width + x12 - 1)).toBe(12);
  // Half-way between 10 and 11 rounds to the nearer; past the ends, the end slices.
  expect(axis.sliceAt(axis.x(10) + 0.4 * (axis.x(11) - axis.x(10)))).toBe(10);
  expect(axis.sliceAt(0)).toBe(10);
  expect(axis.sliceAt(CURVE_PANEL.width - 1)).toBe(12);
  expect(curvesAxis([a, b], 'no such case').sliceAt(50)).toBeNull();
});

it('imports what it exports and names what is wrong in a bad file', () => {
  expect(parseExperiments(JSON.parse(JSON.stringify({ experiments: [a, b] })))).toEqual([a, b]);
  expect(() => parseExperiments({ foo: 1 })).toThrow('not an experiments file');
  expect(() => parseExperiments([{ ...a, format: 'x' }])).toThrow("experiment 1 is not in the studio's format");
  expect(() => parseExperiments([{ ...a, format: 'dino-seg-studio/experiment@2' }])).toThrow('experiment 1 was written by a newer version of the studio (experiment@2)');
  const { cases: _, ...noCases } = a;
  expect(() => parseExperiments([noCases])).toThrow('experiment 1 (FLAIR / T1gd / T2) lacks "cases"');
  const badScore = { ...a, cases: [{ ...a.cases[0], scores: [{ region: 'WT', dice: '0.9', hd95: 4 }] }] };
  expect(() => parseExperiments([badScore])).toThrow('experiment 1 (FLAIR / T1gd / T2) has a "cases.0.scores.0.dice" that is not what an experiment holds');
});

it('a region absent from both masks is not scored: left out of means, counted, written as absent', () => {
  // c2 has no enhancing tumour in either run (null); c3 has it in both.
  const withAbsent = (e: ExperimentRecord, et: (number | null)[]) => ({ ...e, cases: e.cases.map((c, i) => ({ ...c, scores: c.scores.map((s) => (s.region === 'ET' ? { ...s, dice: et[i] } : s)) })) });
  const x = withAbsent(experiment('x', 'flair,t1ce,t2', { c1: [0.9, 0.6, 0.5], c2: [0.8, 0.4, 0], c3: [0.7, 0.5, 0.3] }), [0.5, null, 0.3]);
  const y = withAbsent(experiment('y', 'flair,flair,flair', { c1: [0.9, 0.6, 0.2], c2: [0.8, 0.4, 0], c3: [0.7, 0.5, 0.2] }), [0.2, null, 0.2]);
  const t = compareExperiments([x, y]);
  // ET of x: 0.5 and 0.3 -> 0.4 over 2 scored cases, not (0.5 + 1 + 0.3) / 3 as BraTS's "empty = 1" would give.
  expect(t.rows[0].dice.ET).toMatchObject({ n: 2, absent: 1 });
  expect(t.rows[0].dice.ET.mean).toBeCloseTo(0.4);
  // Differences pair only cases scored in both: -0.3 and -0.1.
  expect(t.differences[0].dice.ET.n).toBe(2);
  expect(t.differences[0].dice.ET.mean).toBeCloseTo(-0.2);
  expect(formatMeanSd(t.rows[0].dice.ET)).toBe('0.400 ± 0.141 (2 scored, 1 absent)');
  expect(formatMeanSd({ mean: NaN, sd: NaN, n: 0, absent: 3 })).toBe('absent');
  expect(formatDice(null)).toBe('absent');
  // The CSV leaves the cell empty (a number column stays numeric); the Markdown per-case table says absent.
  expect(comparisonCsv([x]).split('\n')).toContain('x,"flair,t1ce,t2",tiny,true,regions,3,c2,held-out slices 10-12,ET,,2.00,,,,,,,,,');
  expect(comparisonMarkdown([x, y])).toMatch(/\| x \| c2 \| held-out slices 10-12 \| 0\.800 \| 0\.400 \| absent \|/);
});

it('the caption says when there is one case and so no spread', () => {
  const one = (e: ExperimentRecord) => ({ ...e, cases: e.cases.slice(0, 1) });
  expect(tableCaption(compareExperiments([one(a), one(b)]))).toMatch(/^Scores of one case \(c1\): no spread to show; differences are per region;/);
  expect(tableCaption(compareExperiments([a, b]))).toMatch(/^Mean ± sd over 2 cases; differences are paired by case;/);
});
