import type { CurvePoint } from '../../state/training.ts';

const COLOURS = ['#28c83c', '#dc2828', '#fadc28', '#4f8cff'];
const AXIS = '#9aa3b5';

/**
 * Dice per output (left axis, 0..1) and the loss (dashed, right axis, its own scale) against
 * training steps or strokes, with both axes, their units and a legend. A region absent from both
 * masks has no Dice, so its line breaks there instead of dropping to 0.
 */
export function TrainingChart({ curve, channels, xLabel = 'step', testId = 'training-chart' }: { curve: CurvePoint[]; channels: string[]; xLabel?: string; testId?: string }) {
  if (curve.length < 2) return null;
  const [W, H] = [330, 170];
  const [left, right, top, bottom] = [34, 40, 22, 30];
  const maxStep = curve.at(-1)!.step || 1;
  const minStep = xLabel === 'step' ? 0 : curve[0].step;
  const losses = curve.map((p) => p.loss).filter(Number.isFinite);
  const maxLoss = Math.max(...losses, 1e-6);
  const x = (s: number) => left + ((s - minStep) / Math.max(maxStep - minStep, 1)) * (W - left - right);
  const y = (v: number) => H - bottom - v * (H - top - bottom);
  const path = (value: (p: CurvePoint) => number | null | undefined) => {
    let d = '';
    let pen = false;
    for (const p of curve) {
      const v = value(p);
      if (v === null || v === undefined || !Number.isFinite(v)) pen = false;
      else {
        d += `${pen ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      }
    }
    return d;
  };
  const anyDice = curve.some((p) => p.dice.some((d) => d !== null && d !== undefined));
  const legend = [...channels.map((name, c) => ({ name: `Dice ${name}`, colour: COLOURS[c % COLOURS.length], dashed: false })), ...(losses.length ? [{ name: 'loss', colour: AXIS, dashed: true }] : [])];
  return (
    <svg width={W} height={H} className="chart" data-testid={testId} role="img" aria-label={`Dice${losses.length ? ' and loss' : ''} against ${xLabel}`}>
      <rect x={0} y={0} width={W} height={H} fill="#11141b" />
      <g fontSize={10} fill={AXIS}>
        <path d={`M${left},${top}V${H - bottom}H${W - right}${losses.length ? `V${top}` : ''}`} stroke={AXIS} fill="none" />
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <line x1={left} x2={W - right} y1={y(v)} y2={y(v)} stroke="#262b36" />
            <text x={left - 4} y={y(v) + 3} textAnchor="end">
              {v}
            </text>
            {losses.length > 0 && (
              <text x={W - right + 4} y={y(v) + 3}>
                {(v * maxLoss).toPrecision(2)}
              </text>
            )}
          </g>
        ))}
        <text x={left} y={H - bottom + 12} textAnchor="middle">
          {minStep}
        </text>
        <text x={W - right} y={H - bottom + 12} textAnchor="middle">
          {maxStep}
        </text>
        <text x={(left + W - right) / 2} y={H - 4} textAnchor="middle">
          {xLabel === 'step' ? 'training step' : xLabel}
        </text>
        <text x={10} y={(top + H - bottom) / 2} textAnchor="middle" transform={`rotate(-90 10 ${(top + H - bottom) / 2})`}>
          Dice
        </text>
        {losses.length > 0 && (
          <text x={W - 6} y={(top + H - bottom) / 2} textAnchor="middle" transform={`rotate(90 ${W - 6} ${(top + H - bottom) / 2})`}>
            loss
          </text>
        )}
      </g>
      {losses.length > 0 && <path fill="none" stroke={AXIS} strokeDasharray="3 2" d={path((p) => p.loss / maxLoss)} />}
      {channels.map((name, c) => (
        <path key={name} fill="none" stroke={COLOURS[c % COLOURS.length]} strokeWidth={2} d={path((p) => p.dice[c])} />
      ))}
      {!anyDice && (
        <text x={(left + W - right) / 2} y={top + 16} textAnchor="middle" fontSize={10} fill={AXIS}>
          {channels.length ? 'Dice on held-out slices comes when training ends' : 'no Dice: nothing to score against'}
        </text>
      )}
      <g fontSize={10}>
        {legend.map((l, i) => (
          <g key={l.name} transform={`translate(${left + i * 64},6)`}>
            <line x1={0} x2={12} y1={5} y2={5} stroke={l.colour} strokeWidth={2} strokeDasharray={l.dashed ? '3 2' : undefined} />
            <text x={15} y={9} fill={l.colour}>
              {l.name}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}
