import type { CurvePoint } from '../../state/training.ts';

const COLOURS = ['#28c83c', '#dc2828', '#fadc28', '#4f8cff'];

/** Loss (grey, own scale, when there is one) and Dice per output (0..1) against training steps, or strokes. */
export function TrainingChart({ curve, channels, xLabel = 'step', testId = 'training-chart' }: { curve: CurvePoint[]; channels: string[]; xLabel?: string; testId?: string }) {
  if (curve.length < 2) return null;
  const W = 320;
  const H = 140;
  const maxStep = curve.at(-1)!.step || 1;
  const minStep = xLabel === 'step' ? 0 : curve[0].step;
  const losses = curve.map((p) => p.loss).filter(Number.isFinite);
  const maxLoss = Math.max(...losses, 1e-6);
  const x = (s: number) => ((s - minStep) / Math.max(maxStep - minStep, 1)) * (W - 10) + 5;
  const line = (ys: number[]) => curve.map((p, i) => `${x(p.step).toFixed(1)},${ys[i].toFixed(1)}`).join(' ');
  // A region absent from both prediction and truth has no Dice: the line breaks there instead of dropping to 0.
  const diceLine = (c: number) => {
    let d = '';
    let pen = false;
    for (const p of curve) {
      const v = p.dice[c];
      if (v === null || v === undefined) pen = false;
      else {
        d += `${pen ? 'L' : 'M'}${x(p.step).toFixed(1)},${(H - 5 - v * (H - 10)).toFixed(1)}`;
        pen = true;
      }
    }
    return d;
  };
  return (
    <svg width={W} height={H} className="chart" data-testid={testId} role="img" aria-label={`Dice against ${xLabel}`}>
      <rect x={0} y={0} width={W} height={H} fill="#11141b" />
      {losses.length > 0 && <polyline fill="none" stroke="#9aa3b5" strokeDasharray="3 2" points={line(curve.map((p) => H - 5 - (Number.isFinite(p.loss) ? p.loss / maxLoss : 0) * (H - 10)))} />}
      {channels.map((name, c) => (
        <path key={name} fill="none" stroke={COLOURS[c % COLOURS.length]} strokeWidth={2} d={diceLine(c)} />
      ))}
      <text x={6} y={14} fill="#9aa3b5" fontSize={11}>
        Dice 1.0{losses.length ? ' · loss (dashed)' : ''} · {xLabel} {maxStep}
      </text>
      {channels.map((name, c) => (
        <text key={name} x={W - 150 + 40 * c} y={H - 8} fill={COLOURS[c % COLOURS.length]} fontSize={11}>
          {name}
        </text>
      ))}
    </svg>
  );
}
