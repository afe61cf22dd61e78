import type { Progress } from '../../worker/protocol.ts';

export function ProgressBar({ progress }: { progress: Progress | null }) {
  if (!progress || progress.status === 'done') return null;
  const fraction = progress.status === 'progress' && progress.total > 0 ? progress.done / progress.total : undefined;
  return (
    <div className="progress" role="progressbar" aria-valuenow={fraction !== undefined ? Math.round(fraction * 100) : undefined} aria-label={progress.task}>
      <span>
        {progress.task}
        {progress.status === 'progress' ? ` ${progress.done}/${progress.total} ${progress.unit}` : '…'}
      </span>
      <progress value={fraction} max={1} />
    </div>
  );
}
