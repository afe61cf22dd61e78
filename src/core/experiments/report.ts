/**
 * What a comparison hands out: a CSV (one row per experiment x case x region), per-slice Dice
 * curves as SVG (no DOM needed, so the CLI draws the same charts), and a self-contained HTML or
 * Markdown summary that says what was run, on which weights, and what came out.
 */
import { describeMapping, parseMapping } from '../features/channels.ts';
import { regionName } from '../metrics/regions.ts';
import { describeHead, differingSettings } from '../heads/headSettings.ts';
import { describeAdapter } from '../adapters/create.ts';
import { describeInputs } from './inputs.ts';
import { headOf } from './experiment.ts';
import { compareExperiments, type ComparisonTable, scoredRegions } from './comparison.ts';
import type { CaseOutcome, ExperimentRecord } from './record.ts';
import type { PairedDifference } from './paired.ts';
import type { MeanSd } from './stats.ts';

const csvCell = (v: string | number | boolean | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

function evaluationText(c: CaseOutcome): string {
  const e = c.evaluation;
  if (e.kind === 'held-out slices') return `held-out slices ${e.heldOut[0]}-${e.heldOut.at(-1)}`;
  if (e.kind === 'scribbles') return `whole volume (trained on ${e.strokes} strokes of scribbles)`;
  return `test case (trained on ${e.trainCases.join(' ')})`;
}

/**
 * One row per experiment x case x region; with two or more cases, one more row per experiment
 * after the first and region: its paired difference against the first (mean, bootstrap 95 %
 * interval, Wilcoxon p), so the CSV holds everything the report's tables show.
 */
export function comparisonCsv(experiments: ExperimentRecord[]): string {
  const header = ['experiment', 'mapping', 'model', 'random_weights', 'task', 'seed', 'case', 'evaluation', 'region', 'dice', 'hd95_mm', 'versus', 'pairs', 'mean_difference', 'ci95_low', 'ci95_high', 'wilcoxon_p', 'modalities_read', 'volume_ml_predicted', 'volume_ml_true'];
  const lines = [header.join(',')];
  const about = (e: ExperimentRecord) => [e.name, e.mapping, e.model.name, e.model.randomWeights, e.settings.task, e.settings.seed];
  // Last, so the columns before them keep their places for scripts that read them by position.
  const ml = (x: number | null | undefined) => (x === null || x === undefined ? null : x.toFixed(3));
  const reads = (e: ExperimentRecord) => (e.inputs ? e.inputs.modalities.join(' ') + (e.inputs.voxelInputsFixed ? ' (voxel inputs held fixed)' : '') : null);
  for (const e of experiments) {
    for (const c of e.cases) {
      for (const s of c.scores) {
        const v = c.volumes?.find((x) => x.region === s.region);
        lines.push([...about(e), c.id, evaluationText(c), s.region, s.dice === null ? null : s.dice.toFixed(4), s.hd95 === null ? null : s.hd95.toFixed(2), null, null, null, null, null, null, reads(e), ml(v?.predictedMl), ml(v?.truthMl)].map(csvCell).join(','));
      }
    }
  }
  for (const p of experiments.length > 1 ? pairedRows(compareExperiments(experiments)) : []) {
    const fixed = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : null);
    lines.push([...about(p.experiment), null, 'paired difference by case', p.region, null, null, p.versus.name, p.d.n, fixed(p.d.mean), fixed(p.d.ci95[0]), fixed(p.d.ci95[1]), p.d.wilcoxonP === null ? null : p.d.wilcoxonP.toPrecision(4), reads(p.experiment), null, null].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** The paired tests worth showing: two or more cases, each experiment after the first against the first. */
export function pairedRows(t: ComparisonTable): { experiment: ExperimentRecord; versus: ExperimentRecord; region: (typeof t.regions)[number]; d: PairedDifference }[] {
  if (t.cases.length < 2) return [];
  return t.differences.flatMap((x) => t.regions.map((region) => ({ experiment: x.experiment, versus: x.versus, region, d: x.paired[region] })));
}

/** "p = 0.043" / "p < 0.001" / "—" when there was nothing to test. */
export const formatP = (p: number | null) => (p === null ? '—' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** "+0.050 [−0.010, +0.110]": a paired mean difference with its interval. */
export const formatInterval = (d: PairedDifference) => {
  const sign = (v: number) => (v >= 0 ? '+' : '') + v.toFixed(3);
  return d.n ? `${sign(d.mean)} [${sign(d.ci95[0])}, ${sign(d.ci95[1])}]` : 'n/a';
};

function pairedTable(t: ComparisonTable): { head: string[]; rows: string[][] } {
  return {
    head: ['Comparison', 'Region', 'Pairs', 'Mean difference [95 % bootstrap CI]', 'Median difference', 'Wilcoxon signed-rank'],
    rows: pairedRows(t).map((p) => [`${p.experiment.name} − ${p.versus.name}`, p.region, String(p.d.n), formatInterval(p.d), Number.isFinite(p.d.median) ? p.d.median.toFixed(3) : 'n/a', formatP(p.d.wilcoxonP)]),
  };
}

export const PAIRED_CAPTION = 'Paired by case: b − a per case, the mean with a percentile bootstrap 95 % interval (10,000 resamples of the cases, seed 0) and a two-sided Wilcoxon signed-rank test (scipy.stats.wilcoxon conventions: exact up to 50 pairs without ties or zeros, else the normal approximation). With few cases, an interval that crosses 0 means the data cannot tell the two apart.';

export const SERIES_COLOURS = ['#4f8cff', '#ff7a45', '#36c77b', '#c86bff', '#e6c229'];

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Per-slice Dice of each experiment on one case: one panel per region, slices on x, Dice on y. */
/** One region's panel of the per-slice chart: its width and height in the SVG's units, and its margin. */
export const CURVE_PANEL = { width: 300, height: 170, pad: 32 };

/**
 * The chart's slice axis for a case: where slice k is drawn within a panel, and which scored
 * slice is nearest to a point clicked on the chart (any panel, SVG units), so a click can move
 * the views to that slice.
 */
export function curvesAxis(experiments: ExperimentRecord[], caseId: string) {
  const { width: W, pad } = CURVE_PANEL;
  const slices = [...new Set(experiments.flatMap((e) => e.cases.find((c) => c.id === caseId)?.perSlice.slices ?? []))].sort((a, b) => a - b);
  const [lo, hi] = [Math.min(...slices), Math.max(...slices)];
  const x = (k: number) => pad + ((k - lo) / Math.max(hi - lo, 1)) * (W - pad - 8);
  const sliceAt = (chartX: number): number | null => {
    if (!slices.length) return null;
    const within = ((chartX % W) + W) % W;
    return slices.reduce((best, k) => (Math.abs(x(k) - within) < Math.abs(x(best) - within) ? k : best), slices[0]);
  };
  return { slices, lo, hi, x, sliceAt };
}

export function sliceCurvesSvg(experiments: ExperimentRecord[], caseId: string): string {
  const { width: W, height: H, pad } = CURVE_PANEL;
  const { lo, hi, x } = curvesAxis(experiments, caseId);
  const regions = scoredRegions(experiments);
  const panels = regions.map((id, p) => {
    const name = regionName(id);
    const curves = experiments.map((e) => e.cases.find((c) => c.id === caseId)?.perSlice);
    const y = (d: number) => H - pad + 8 - d * (H - pad - 16);
    const lines = curves.map((curve, i) => {
      if (!curve) return '';
      // Gaps where Dice is undefined (both masks empty on that slice).
      let path = '';
      let pen = false;
      curve.slices.forEach((k, j) => {
        const d = curve.dice[id]?.[j] ?? null;
        if (d === null) return void (pen = false);
        path += `${pen ? 'L' : 'M'}${x(k).toFixed(1)},${y(d).toFixed(1)}`;
        pen = true;
      });
      const dots = curve.slices.map((k, j) => { const d = curve.dice[id]?.[j] ?? null; return d === null ? '' : `<circle cx="${x(k).toFixed(1)}" cy="${y(d).toFixed(1)}" r="1.8"/>`; }).join('');
      return `<g stroke="${SERIES_COLOURS[i % SERIES_COLOURS.length]}" fill="${SERIES_COLOURS[i % SERIES_COLOURS.length]}"><path d="${path}" fill="none" stroke-width="1.6"/>${dots}</g>`;
    });
    const axes = `<path d="M${pad},8V${H - pad + 8}H${W - 8}" stroke="#888" fill="none"/>` +
      [0, 0.5, 1].map((d) => `<text x="${pad - 4}" y="${y(d) + 3}" text-anchor="end">${d}</text>`).join('') +
      `<text x="${pad}" y="${H - 6}">slice ${lo}</text><text x="${W - 8}" y="${H - 6}" text-anchor="end">${hi}</text>`;
    return `<g transform="translate(${p * W},0)"><text x="${W / 2}" y="14" text-anchor="middle" font-weight="bold">${escapeXml(name)} (${id})</text>${axes}${lines.join('')}</g>`;
  });
  const legend = experiments
    .map((e, i) => `<g transform="translate(${8 + i * 230},${H + 8})"><rect width="12" height="12" fill="${SERIES_COLOURS[i % SERIES_COLOURS.length]}"/><text x="16" y="10">${escapeXml(e.name)}</text></g>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W * regions.length}" height="${H + 28}" font-family="sans-serif" font-size="11" style="background:#fff"><title>Per-slice Dice, case ${escapeXml(caseId)}</title>${panels.join('')}${legend}</svg>`;
}

/**
 * Per region, each case's Dice under each experiment (a strip of dots per experiment) with a line
 * joining one case across experiments: the paired plot, where a method that wins on most cases
 * shows as most lines rising, whatever the spread between cases.
 */
export function pairedCasesSvg(experiments: ExperimentRecord[]): string {
  const W = 260;
  const H = 200;
  const pad = 32;
  const cases = [...new Set(experiments.flatMap((e) => e.cases.map((c) => c.id)))];
  const x = (i: number) => pad + 20 + (i * (W - pad - 50)) / Math.max(experiments.length - 1, 1);
  const y = (d: number) => H - pad - d * (H - pad - 24);
  const regions = scoredRegions(experiments);
  const panels = regions.map((id, p) => {
    const name = regionName(id);
    const dice = (e: ExperimentRecord, c: string) => e.cases.find((k) => k.id === c)?.scores.find((s) => s.region === id)?.dice ?? null;
    const lines = cases.map((c) => {
      const pts = experiments.map((e, i) => [i, dice(e, c)] as const).filter(([, d]) => d !== null);
      const path = pts.map(([i, d], j) => `${j ? 'L' : 'M'}${x(i).toFixed(1)},${y(d!).toFixed(1)}`).join('');
      const dots = pts.map(([i, d]) => `<circle cx="${x(i).toFixed(1)}" cy="${y(d!).toFixed(1)}" r="3" fill="${SERIES_COLOURS[i % SERIES_COLOURS.length]}"><title>${escapeXml(c)}: ${d!.toFixed(3)}</title></circle>`).join('');
      return `<path d="${path}" stroke="#999" fill="none"/>${dots}`;
    });
    const axes = `<path d="M${pad},16V${H - pad}H${W - 8}" stroke="#888" fill="none"/>` +
      [0, 0.5, 1].map((d) => `<text x="${pad - 4}" y="${y(d) + 3}" text-anchor="end">${d}</text>`).join('') +
      experiments.map((_, i) => `<text x="${x(i)}" y="${H - pad + 14}" text-anchor="middle">${i + 1}</text>`).join('');
    return `<g transform="translate(${p * W},0)"><text x="${W / 2}" y="12" text-anchor="middle" font-weight="bold">${escapeXml(name)} (${id}) Dice per case</text>${axes}${lines.join('')}</g>`;
  });
  const legend = experiments.map((e, i) => `<g transform="translate(${8 + i * 230},${H + 4})"><rect width="12" height="12" fill="${SERIES_COLOURS[i % SERIES_COLOURS.length]}"/><text x="16" y="10">${i + 1}: ${escapeXml(e.name)}</text></g>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W * regions.length}" height="${H + 24}" font-family="sans-serif" font-size="11" style="background:#fff"><title>Dice per case, paired across experiments</title>${panels.join('')}${legend}</svg>`;
}

/**
 * "0.412 ± 0.031", or n/a without values: how the report and the page write a statistic. One
 * value has no spread to show, so it stands alone ("± 0.000" would claim a certainty one case cannot give).
 */
export const formatMeanSd = (s: MeanSd, digits = 3) => {
  const value = !s.n ? (s.absent ? 'absent' : 'n/a') : s.n === 1 ? s.mean.toFixed(digits) : `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}`;
  return s.absent && s.n ? `${value} (${s.n} scored, ${s.absent} absent)` : value;
};
/** One Dice: a region in neither mask is "absent" (not scored), never a perfect 1.00. */
export const formatDice = (d: number | null, digits = 3) => (d === null ? 'absent' : d.toFixed(digits));
/** A difference, signed: "+0.150 ± 0.092". */
export const formatDifference = (s: MeanSd) => (s.n && s.mean >= 0 ? '+' : '') + formatMeanSd(s);

/** The summary's facts, shared by Markdown and HTML. */
function summaryFacts(experiments: ExperimentRecord[]): string[] {
  const models = [...new Set(experiments.map((e) => `${e.model.name} (${e.model.dim} features a patch${e.model.randomWeights ? ', RANDOM weights: these numbers say nothing about DINOv2' : ', trained weights'})`))];
  const s = experiments[0].settings;
  const first = experiments[0].cases[0]?.evaluation;
  return [
    `Model: ${models.join('; ')}`,
    `Mappings (R, G, B): ${experiments.map((e) => `${e.name} = ${describeMapping(parseMapping(e.mapping))}`).join('; ')}`,
    ...(experiments.some((e) => e.inputs) ? [`Modalities read: ${experiments.map((e) => `${e.name} ${e.inputs ? describeInputs(e.inputs) : 'not recorded (an older run)'}`).join('; ')}`] : []),
    `Input: ${experiments[0].input.plane} slices at ${experiments[0].input.size} x ${experiments[0].input.size} pixels`,
    first?.kind === 'scribbles'
      ? `Head and training: linear head (1x1 convolution) over the scribble classes, retrained after each stroke on the scribbled voxels only (class-weighted cross-entropy, Adam, learning rate ${s.learningRate}, batch ${s.batchSize}), seed ${s.seed}`
      : `Training: task ${s.task}, ${s.epochs} epochs, batch ${s.batchSize} slices (linear probe) or ${headOf(s).voxelBatch} voxels (voxel heads), learning rate ${s.learningRate}, loss ${s.loss.crossEntropy} x cross-entropy + ${s.loss.dice} x soft Dice, seed ${s.seed}`,
    ...(first?.kind === 'scribbles' ? [] : [`Heads: ${experiments.map((e) => `${e.name} = ${describeHead(headOf(e.settings))}`).join('; ')}`]),
    ...(experiments.some((e) => e.settings.adapter) ? [`Backbone adapters (trained with the head, through the backbone's last blocks): ${experiments.map((e) => `${e.name} = ${e.settings.adapter ? describeAdapter(e.settings.adapter) : 'none, the backbone frozen'}`).join('; ')}`] : []),
    ...differingSettings(experiments.map((e) => ({ name: e.name, mapping: e.mapping, head: headOf(e.settings) }))).map((d) => `Differs: ${d}`),
    first?.kind === 'held-out slices'
      ? `Split: per case, a contiguous block of ${Math.round(s.validation * 100)} % of the slices with tumour is held out (2-slice gaps either side); scores are over the held-out slices only, the same slices for every experiment`
      : first?.kind === 'scribbles'
        ? `Split: trained on ${first.strokes} strokes of scribbles (${first.scribbled.reduce((a, b) => a + b, 0)} voxels); scored on the whole volume against the label map, which training never saw`
        : `Split: trained on ${first?.kind === 'test case' ? first.trainCases.join(', ') : '?'}, evaluated on unseen test cases`,
  ];
}

/** What the table's numbers are: one case has no spread; absent regions are not in the means. */
export function tableCaption(t: ComparisonTable): string {
  const over = t.cases.length === 1 ? `Scores of one case (${t.cases[0]}): no spread to show` : `Mean ± sd over ${t.cases.length} cases`;
  const pairing = t.cases.length === 1 ? 'differences are per region' : 'differences are paired by case';
  return `${over}; ${pairing}; a region in neither the prediction nor the truth is "absent", not scored, and left out of the means.`;
}

function tableRows(t: ComparisonTable): { head: string[]; rows: string[][] } {
  const head = ['Experiment', ...t.regions.map((r) => `Dice ${r}`), ...t.regions.map((r) => `HD95 ${r} (mm)`)];
  const rows = t.rows.map((r) => [r.experiment.name, ...t.regions.map((g) => formatMeanSd(r.dice[g])), ...t.regions.map((g) => formatMeanSd(r.hd95[g], 1))]);
  if (t.cases.length > 1) for (const r of t.rows) rows.push([`${r.experiment.name} (median)`, ...t.regions.map((g) => (Number.isFinite(r.diceMedian[g]) ? r.diceMedian[g].toFixed(3) : 'n/a')), ...t.regions.map(() => '')]);
  for (const d of t.differences) rows.push([`${d.experiment.name} − ${d.versus.name}`, ...t.regions.map((g) => formatDifference(d.dice[g])), ...t.regions.map(() => '')]);
  return { head, rows };
}

/** Test cases' region volumes, predicted / true (mL); none for held-out slices. */
function volumeRows(experiments: ExperimentRecord[]): string[][] {
  return experiments.flatMap((e) =>
    e.cases
      .filter((c) => c.volumes)
      .map((c) => [e.name, c.id, ...scoredRegions(experiments).map((id) => {
        const v = c.volumes!.find((x) => x.region === id);
        return v ? `${v.predictedMl.toFixed(1)} / ${v.truthMl === null ? '–' : v.truthMl.toFixed(1)}` : '';
      })]),
  );
}

const VOLUME_CAPTION = 'Volume (mL) of each region in each test case, predicted / in the label map.';

function perCaseRows(experiments: ExperimentRecord[]): string[][] {
  return experiments.flatMap((e) => e.cases.map((c) => [e.name, c.id, evaluationText(c), ...scoredRegions(experiments).map((id) => {
    const s = c.scores.find((x) => x.region === id);
    return s ? formatDice(s.dice) : '';
  })]));
}

export function comparisonMarkdown(experiments: ExperimentRecord[]): string {
  const t = compareExperiments(experiments);
  const { head, rows } = tableRows(t);
  const volumes = volumeRows(experiments);
  const md = (h: string[], r: string[][]) => [`| ${h.join(' | ')} |`, `|${h.map(() => '---').join('|')}|`, ...r.map((x) => `| ${x.join(' | ')} |`)].join('\n');
  return [
    '# Comparison',
    '',
    ...summaryFacts(experiments).map((f) => `- ${f}`),
    '',
    tableCaption(t),
    '',
    md(head, rows),
    '',
    ...(pairedRows(t).length ? ['## Paired by case', '', PAIRED_CAPTION, '', md(pairedTable(t).head, pairedTable(t).rows), ''] : []),
    '## Per case',
    '',
    md(['Experiment', 'Case', 'Evaluated on', ...scoredRegions(experiments).map((r) => `Dice ${r}`)], perCaseRows(experiments)),
    '',
    ...(volumes.length ? ['## Volumes', '', VOLUME_CAPTION, '', md(['Experiment', 'Case', ...scoredRegions(experiments)], volumes), ''] : []),
  ].join('\n');
}

export function comparisonHtml(experiments: ExperimentRecord[]): string {
  const t = compareExperiments(experiments);
  const { head, rows } = tableRows(t);
  const volumes = volumeRows(experiments);
  const esc = escapeXml;
  const table = (h: string[], r: string[][]) =>
    `<table><thead><tr>${h.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead><tbody>${r.map((x) => `<tr>${x.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Comparison: ${esc(experiments.map((e) => e.name).join(' vs '))}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.warn{color:#b00}</style>
</head><body>
<h1>Comparison</h1>
<ul>${summaryFacts(experiments).map((f) => `<li${/RANDOM/.test(f) ? ' class="warn"' : ''}>${esc(f)}</li>`).join('')}</ul>
<p>${escapeXml(tableCaption(t))}</p>
${table(head, rows)}
${pairedRows(t).length ? `<h2>Paired by case</h2><p>${esc(PAIRED_CAPTION)}</p>${table(pairedTable(t).head, pairedTable(t).rows)}${pairedCasesSvg(experiments)}` : ''}
<h2>Per-slice Dice</h2>
${t.cases.map((id) => `<h3>${esc(id)}</h3>${sliceCurvesSvg(experiments, id)}`).join('\n')}
<h2>Per case</h2>
${table(['Experiment', 'Case', 'Evaluated on', ...scoredRegions(experiments).map((r) => `Dice ${r}`)], perCaseRows(experiments))}
${volumes.length ? `<h2>Volumes</h2><p>${esc(VOLUME_CAPTION)}</p>${table(['Experiment', 'Case', ...scoredRegions(experiments)], volumes)}` : ''}
<p>Made by DINOv2 Segmentation Studio on ${esc(new Date().toISOString().slice(0, 10))}; the data never left the machine it ran on.</p>
</body></html>
`;
}

