import type { Progress } from '../../worker/protocol.ts';
import { formatBytes } from '../format.ts';

function describe(p: Extract<Progress, { status: 'progress' }>): string {
  if (p.unit === 'bytes') {
    const total = p.total ? ` of ${formatBytes(p.total)}` : '';
    const rate = p.rate ? `, ${formatBytes(p.rate)}/s` : '';
    return `${formatBytes(p.done)}${total}${rate}`;
  }
  const eta = p.rate && p.rate > 0 ? `, ${p.rate.toFixed(2)} ${p.unit}/s, ${Math.ceil((p.total - p.done) / p.rate)} s left` : '';
  return `${p.done}/${p.total} ${p.unit}${eta}`;
}

export function ProgressBar({ progress }: { progress: Progress | null }) {
  if (!progress || progress.status === 'done') return null;
  const fraction = progress.status === 'progress' && progress.total > 0 ? progress.done / progress.total : undefined;
  return (
    <div className="progress" data-testid="progress">
      <span>
        {progress.task}
        {progress.status === 'progress' ? `: ${describe(progress)}` : '…'}
      </span>
      <progress value={fraction} max={1} aria-label={progress.task} />
    </div>
  );
}
