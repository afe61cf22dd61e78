import type { CurvePoint } from '../../state/training.ts';

const COLOURS = ['#28c83c', '#dc2828', '#fadc28', '#4f8cff'];

/** Loss (grey, own scale) and validation Dice per output (0..1) against training steps. */
export function TrainingChart({ curve, channels }: { curve: CurvePoint[]; channels: string[] }) {
  if (curve.length < 2) return null;
  const W = 320;
  const H = 140;
  const maxStep = curve.at(-1)!.step || 1;
  const losses = curve.map((p) => p.loss).filter(Number.isFinite);
  const maxLoss = Math.max(...losses, 1e-6);
  const x = (s: number) => (s / maxStep) * (W - 10) + 5;
  const line = (ys: number[]) => curve.map((p, i) => `${x(p.step).toFixed(1)},${ys[i].toFixed(1)}`).join(' ');
  return (
    <svg width={W} height={H} className="chart" data-testid="training-chart" role="img" aria-label="Loss and validation Dice against steps">
      <rect x={0} y={0} width={W} height={H} fill="#11141b" />
      <polyline fill="none" stroke="#9aa3b5" strokeDasharray="3 2" points={line(curve.map((p) => H - 5 - (Number.isFinite(p.loss) ? p.loss / maxLoss : 0) * (H - 10)))} />
      {channels.map((name, c) => (
        <polyline key={name} fill="none" stroke={COLOURS[c % COLOURS.length]} strokeWidth={2} points={line(curve.map((p) => H - 5 - (p.dice[c] ?? 0) * (H - 10)))} />
      ))}
      <text x={6} y={14} fill="#9aa3b5" fontSize={11}>
        Dice 1.0 · loss (dashed) · step {maxStep}
      </text>
      {channels.map((name, c) => (
        <text key={name} x={W - 150 + 40 * c} y={H - 8} fill={COLOURS[c % COLOURS.length]} fontSize={11}>
          {name}
        </text>
      ))}
    </svg>
  );
}
