import { useEffect } from 'react';
import { scoredMeanSd } from '../../core/experiments/stats.ts';
import { deleteExperiment, exportExperiments, importExperiments, restoreExperiments, toggleSelected, useExperiments } from '../../state/experiments.ts';
import { restoreScribblesFrom } from '../../state/scribbles.ts';
import { download } from '../download.ts';
import { TextFileButton } from './TextFileButton.tsx';

/** Every run kept in this browser: select two or more to compare them, export, import, delete. */
export function ExperimentsPanel() {
  const { experiments, selected } = useExperiments();
  useEffect(() => void restoreExperiments(), []);
  return (
    <section className="compare" aria-label="Experiments">
      {experiments.length === 0 ? (
        <p className="hint">None yet. Each mapping of a comparison becomes one, kept in this browser.</p>
      ) : (
        <table className="scores experiments" data-testid="experiments">
          <thead>
            <tr>
              <th />
              <th>Experiment</th>
              <th>WT</th>
              <th>TC</th>
              <th>ET</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {experiments.map((e) => (
              <tr key={e.id} title={`${e.model.name}${e.model.randomWeights ? ' (random weights)' : ''}, ${e.cases.map((c) => c.id).join(', ')}, seed ${e.settings.seed}, ${new Date(e.createdAt).toLocaleString()}`}>
                <td>
                  <input type="checkbox" aria-label={`Select ${e.name}`} checked={selected.includes(e.id)} onChange={() => toggleSelected(e.id)} />
                </td>
                <td>
                  {e.name}
                  {e.model.randomWeights && <span className="warning"> (random)</span>}
                  {/* Two runs of one comparison read apart by when they ran. */}
                  <span className="hint when"> · {new Date(e.createdAt).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}</span>
                </td>
                {(['WT', 'TC', 'ET'] as const).map((r) => {
                  const d = scoredMeanSd(e.cases.flatMap((c) => c.scores.filter((s) => s.region === r).map((s) => s.dice)));
                  return <td key={r}>{d.n ? d.mean.toFixed(2) : d.absent ? 'absent' : '–'}</td>;
                })}
                <td>
                  {e.scribbles && (
                    <button type="button" aria-label={`Scribbles of ${e.name}`} title="Bring back this experiment's scribbles" onClick={() => restoreScribblesFrom(e)}>
                      ✎
                    </button>
                  )}
                  <button type="button" aria-label={`Delete ${e.name}`} onClick={() => void deleteExperiment(e.id)}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <button type="button" disabled={!experiments.length} onClick={async () => download('experiments.json', await exportExperiments(), 'application/json')}>
          Export JSON
        </button>
        <TextFileButton label="Import JSON" accept=".json,application/json" testId="experiments-input" onText={importExperiments} />
      </div>
    </section>
  );
}
