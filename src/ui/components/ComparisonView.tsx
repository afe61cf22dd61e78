/** The comparison of the selected experiments: table, per-slice curves, reports, side by side. */
import { compareExperiments } from '../../core/experiments/comparison.ts';
import { comparisonCsv, comparisonHtml, comparisonMarkdown, curvesAxis, formatDifference, formatInterval, formatMeanSd, formatP, PAIRED_CAPTION, pairedCasesSvg, pairedRows, sliceCurvesSvg, tableCaption } from '../../core/experiments/report.ts';
import { describeInputs } from '../../core/experiments/inputs.ts';
import { useExperiments } from '../../state/experiments.ts';
import { report } from '../../state/messages.ts';
import { focusComparisonSlice } from '../../state/view.ts';
import { download } from '../download.ts';
import { SideBySide } from './SideBySide.tsx';

const svgUrl = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

/** The charts, one per case, stacked into one PNG. */
async function chartsPng(svgs: string[]): Promise<Uint8Array> {
  const images = await Promise.all(
    svgs.map(
      (svg) =>
        new Promise<HTMLImageElement>((resolve, reject) => {
          const img = new Image();
          img.onload = () => resolve(img);
          img.onerror = () => reject(new Error('the chart could not be drawn'));
          img.src = svgUrl(svg);
        }),
    ),
  );
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(...images.map((i) => i.width));
  canvas.height = images.reduce((h, i) => h + i.height, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  let y = 0;
  for (const img of images) {
    ctx.drawImage(img, 0, y);
    y += img.height;
  }
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'));
  return new Uint8Array(await blob.arrayBuffer());
}

/** What the per-slice curves run along: the held-out block of one case, or each test case's slices. */
function perSliceTitle(chosen: { cases: { evaluation: { kind: string } }[] }[]): string {
  const kinds = new Set(chosen.flatMap((e) => e.cases.map((c) => c.evaluation.kind)));
  if (kinds.size === 1 && kinds.has('held-out slices')) return 'Per-slice Dice along the held-out slices';
  if (kinds.size === 1 && kinds.has('test case')) return 'Per-slice Dice along each test case';
  return 'Per-slice Dice along the slices scored';
}

export function ComparisonView() {
  const { experiments, selected } = useExperiments();
  const chosen = selected.map((id) => experiments.find((e) => e.id === id)!).filter(Boolean);
  if (chosen.length < 2) return <p className="hint comparison">Select two or more experiments in the list to compare them.</p>;
  const t = compareExperiments(chosen);
  const svgs = t.cases.map((id) => sliceCurvesSvg(chosen, id));
  const stem = `comparison-${chosen.map((e) => e.mapping.replace(/,/g, '-')).join('_vs_')}`;
  return (
    <section className="comparison" aria-label="Comparison" data-testid="comparison">
      <h2>{chosen.map((e) => e.name).join(' vs ')}</h2>
      {chosen.some((e) => e.model.randomWeights) && <p className="warning">Random backbone weights: these numbers test the pipeline, not DINOv2.</p>}
      <table className="scores" data-testid="comparison-table">
        <thead>
          <tr>
            <th>Experiment</th>
            {t.regions.map((r) => (
              <th key={r}>Dice {r}</th>
            ))}
            {t.regions.map((r) => (
              <th key={r}>HD95 {r} (mm)</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {t.rows.map((r) => (
            <tr key={r.experiment.id}>
              <td>{r.experiment.name}</td>
              {t.regions.map((g) => (
                <td key={g}>{formatMeanSd(r.dice[g])}</td>
              ))}
              {t.regions.map((g) => (
                <td key={g}>{formatMeanSd(r.hd95[g], 1)}</td>
              ))}
            </tr>
          ))}
          {t.differences.map((d) => (
            <tr key={d.experiment.id} className="difference">
              <td>
                {d.experiment.name} − {d.versus.name}
              </td>
              {t.regions.map((g) => (
                <td key={g}>{formatDifference(d.dice[g])}</td>
              ))}
              {t.regions.map((g) => (
                <td key={g} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        {tableCaption(t)} Cases: {t.cases.join(', ')}.
      </p>
      {chosen.some((e) => e.inputs) && (
        <p className="hint" data-testid="comparison-reads">
          What each arm read: {chosen.map((e) => `${e.name} ${e.inputs ? describeInputs(e.inputs) : 'not recorded (an older run)'}`).join('; ')}.
        </p>
      )}
      {pairedRows(t).length > 0 && (
        <>
          <h3>Paired by case</h3>
          <table className="scores" data-testid="paired-table">
            <thead>
              <tr>
                <th>Comparison</th>
                <th>Region</th>
                <th>Pairs</th>
                <th>Mean difference [95 % CI]</th>
                <th>Wilcoxon</th>
              </tr>
            </thead>
            <tbody>
              {pairedRows(t).map((p) => (
                <tr key={`${p.experiment.id}-${p.region}`}>
                  <td>
                    {p.experiment.name} − {p.versus.name}
                  </td>
                  <td>{p.region}</td>
                  <td>{p.d.n}</td>
                  <td>{formatInterval(p.d)}</td>
                  <td>{formatP(p.d.wilcoxonP)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">{PAIRED_CAPTION}</p>
          <img className="curves" data-testid="paired-plot" alt="Dice per case, paired across experiments" src={svgUrl(pairedCasesSvg(chosen))} />
        </>
      )}
      <h3>{perSliceTitle(chosen)}</h3>
      <p className="hint">Click a slice on a chart to show it side by side below.</p>
      {svgs.map((svg, i) => (
        <img
          key={t.cases[i]}
          className="curves clickable"
          data-testid="slice-curves"
          alt={`Per-slice Dice, case ${t.cases[i]}`}
          title="Click a slice to show it side by side"
          src={svgUrl(svg)}
          onClick={(e) => {
            // The image may be drawn narrower than the SVG: back to the chart's own units.
            const img = e.currentTarget;
            const slice = curvesAxis(chosen, t.cases[i]).sliceAt((e.nativeEvent.offsetX / img.clientWidth) * img.naturalWidth);
            if (slice !== null) focusComparisonSlice(t.cases[i], slice);
          }}
        />
      ))}
      <div className="row">
        <button type="button" onClick={() => download(`${stem}.csv`, comparisonCsv(chosen), 'text/csv')}>
          Download CSV
        </button>
        <button type="button" onClick={() => chartsPng(svgs).then((png) => download(`${stem}.png`, png, 'image/png'), (e) => report('error', (e as Error).message))}>
          Download charts (PNG)
        </button>
        <button type="button" onClick={() => download(`${stem}.html`, comparisonHtml(chosen), 'text/html')}>
          Download report (HTML)
        </button>
        <button type="button" onClick={() => download(`${stem}.md`, comparisonMarkdown(chosen), 'text/markdown')}>
          Markdown
        </button>
      </div>
      <h3>Side by side</h3>
      <SideBySide key={`${chosen[0].id}-${chosen[1].id}`} experiments={[chosen[0], chosen[1]]} />
    </section>
  );
}
