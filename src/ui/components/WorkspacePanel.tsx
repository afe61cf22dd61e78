/** The dataset workspace: open a folder of cases, extract in the background, split by case, train on some and test on others. */
import { Fragment, useEffect, useRef, useState } from 'react';
import { MODALITIES, shortRoleLabel } from '../../core/case/roles.ts';
import { mappingName } from '../../core/experiments/compare.ts';
import { partOf, SPLIT_PARTS, type SplitPart } from '../../core/dataset/split.ts';
import { REGIONS } from '../../core/metrics/regions.ts';
import { openFiles } from '../../state/case.ts';
import { useExperiments } from '../../state/experiments.ts';
import { report } from '../../state/messages.ts';
import { useModel } from '../../state/model.ts';
import { setMainView } from '../../state/view.ts';
import {
  cancelDatasetRun,
  cancelQueue,
  closeWorkspace,
  drawSplit,
  dropAllFeatures,
  dropCaseFeatures,
  exportSplit,
  importSplit,
  moveToPart,
  neededSlots,
  openDataset,
  pauseQueue,
  queueSecondsLeft,
  runDatasetComparison,
  runHeadName,
  startQueue,
  useWorkspace,
} from '../../state/workspace.ts';
import { download } from '../download.ts';
import { canPickFolder, droppedFolder, inputFolder, type PickedFolder, pickFolder, rememberedFolder, reopenFolder } from '../folder.ts';
import { formatBytes } from '../format.ts';
import { readFiles } from '../files.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { TextFileButton } from './TextFileButton.tsx';

const open = (f: PickedFolder | null) => {
  if (!f) return;
  // Many cases' features are worth keeping through a full disk's evictions: ask once, quietly.
  void navigator.storage?.persist?.().catch(() => undefined);
  openDataset(f.name, f.entries);
};

function StorageLine() {
  const [estimate, setEstimate] = useState<{ usage?: number; quota?: number; persisted?: boolean } | null>(null);
  const queue = useWorkspace((s) => s.queue.done);
  useEffect(() => {
    if (!navigator.storage?.estimate) return;
    void Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.()]).then(([e, persisted]) => setEstimate({ ...e, persisted }));
  }, [queue]);
  if (!estimate) return null;
  return (
    <p className="hint" data-testid="workspace-storage">
      This site stores {formatBytes(estimate.usage ?? 0)} of the {formatBytes(estimate.quota ?? 0)} the browser allows{estimate.persisted ? ' (kept: the browser will not evict it)' : ' (the browser may evict it when the disk fills)'}.
    </p>
  );
}

type SortKey = 'case' | 'split' | 'features' | string;

export function WorkspacePanel() {
  const w = useWorkspace();
  const model = useModel((s) => s.info);
  const mappings = useExperiments((s) => s.mappings);
  const input = useRef<HTMLInputElement>(null);
  const [remembered, setRemembered] = useState<Awaited<ReturnType<typeof rememberedFolder>>>(null);
  const [seed, setSeed] = useState(w.split.seed ?? 0);
  const [testFraction, setTestFraction] = useState(w.split.testFraction ?? 0.2);
  const [validationFraction, setValidationFraction] = useState(w.split.validationFraction ?? 0);
  const [sort, setSort] = useState<{ key: SortKey; up: boolean }>({ key: 'case', up: true });
  useEffect(() => void rememberedFolder().then(setRemembered), []);
  const slots = neededSlots();
  const hasFiles = Object.keys(w.files).length > 0;
  const runs = [...new Set(Object.values(w.scores).flatMap((s) => s.map((x) => x.run)))];
  const featureCount = (id: string) => slots.filter((x) => w.features[id]?.[x.slot] === 'cached').length;
  const dice = (id: string, run: string, region: string) => w.scores[id]?.find((s) => s.run === run)?.dice[region] ?? null;
  const sortValue = (id: string): string | number => {
    if (sort.key === 'case') return id;
    if (sort.key === 'split') return SPLIT_PARTS.indexOf(partOf(w.split, id) ?? ('none' as SplitPart));
    if (sort.key === 'features') return featureCount(id);
    const [run, region] = sort.key.split('\u0000');
    return dice(id, run, region) ?? -1;
  };
  const rows = [...w.cases].sort((a, b) => {
    const [x, y] = [sortValue(a.id), sortValue(b.id)];
    return (x < y ? -1 : x > y ? 1 : 0) * (sort.up ? 1 : -1);
  });
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.up ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="link" onClick={() => setSort({ key, up: sort.key === key ? !sort.up : true })}>
        {label}
        {sort.key === key ? (sort.up ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  const q = w.queue;
  const left = queueSecondsLeft(q);
  const openCase = async (id: string) => {
    if (!w.files[id]) return report('error', `Open the folder ${w.name} again to view ${id}.`);
    await openFiles(await readFiles(w.files[id]), id);
    if (w.lastRun.length && w.split.test.includes(id)) {
      useExperiments.setState({ selected: w.lastRun });
      setMainView('comparison');
    }
  };
  return (
    <section
      className="dataset-panel"
      aria-label="Dataset"
      onDragOver={(e) => e.preventDefault()}
      onDrop={async (e) => {
        e.preventDefault();
        e.stopPropagation();
        open(await droppedFolder(e.dataTransfer));
      }}
    >
      <div className="row">
        <button type="button" onClick={() => (canPickFolder() ? void pickFolder().then(open, (e) => report('error', (e as Error).message)) : input.current?.click())}>
          Open dataset folder…
        </button>
        {remembered && !hasFiles && (
          <button type="button" onClick={() => void reopenFolder(remembered).then(open)}>
            Re-open {remembered.name}
          </button>
        )}
        <input
          ref={input}
          type="file"
          hidden
          data-testid="dataset-input"
          {...({ webkitdirectory: '', directory: '' } as object)}
          onChange={(e) => {
            open(inputFolder(e.currentTarget.files ?? []));
            e.currentTarget.value = '';
          }}
        />
        {w.cases.length > 0 && (
          <button type="button" className="link" onClick={closeWorkspace}>
            Close workspace
          </button>
        )}
      </div>
      <p className="hint">A folder of case folders as BraTS ships them (2021, 2023, 2013/2015), or one folder of files sharing a case prefix. Or drop the folder here.</p>
      {w.cases.length > 0 && !hasFiles && <p className="warning">The table is kept from your last visit; open {w.name} again to extract, view or train (computed features are kept).</p>}
      {w.cases.length > 0 && (
        <>
          <h3>
            {w.name}: {w.cases.length} cases
          </h3>
          <fieldset className="split">
            <legend>Split by case</legend>
            <label>
              Seed <input aria-label="Split seed" type="number" value={seed} min={0} onChange={(e) => setSeed(Number(e.currentTarget.value))} />
            </label>
            <label>
              Test fraction <input aria-label="Test fraction" type="number" value={testFraction} min={0} max={0.9} step={0.05} onChange={(e) => setTestFraction(Number(e.currentTarget.value))} />
            </label>
            <label>
              Validation fraction <input aria-label="Validation fraction" type="number" value={validationFraction} min={0} max={0.9} step={0.05} onChange={(e) => setValidationFraction(Number(e.currentTarget.value))} />
            </label>
            <button type="button" onClick={() => drawSplit(seed, testFraction, validationFraction)}>
              Draw split
            </button>
            <button type="button" onClick={() => download(`split-${w.name}.json`, exportSplit(), 'application/json')}>
              Export split
            </button>
            <TextFileButton label="Import split" accept=".json,application/json" testId="split-input" onText={(_, text) => importSplit(text)} />
            <p className="hint" data-testid="split-summary">
              {w.split.train.length} train, {w.split.validation.length} validation, {w.split.test.length} test{w.split.seed === undefined ? ' (edited by hand)' : `, seed ${w.split.seed}`}. Validation cases are held apart and used by neither training nor the test scores.
            </p>
          </fieldset>
          <fieldset>
            <legend>Features for {mappings.map(mappingName).join(' and ')} (the Compare step's mappings)</legend>
            <div className="row">
              {q.state === 'running' ? (
                <button type="button" onClick={pauseQueue}>
                  Pause
                </button>
              ) : (
                <button type="button" disabled={!model || !hasFiles} onClick={() => void startQueue()}>
                  {q.state === 'paused' ? 'Resume' : 'Extract features for every case'}
                </button>
              )}
              {q.state !== 'idle' && (
                <button type="button" onClick={cancelQueue}>
                  Cancel
                </button>
              )}
            </div>
            {!model && <p className="hint">Load a backbone in the Model step first.</p>}
            {q.state !== 'idle' && (
              <div data-testid="queue-progress">
                <ProgressBar progress={{ status: 'progress', task: `Cases ${q.state === 'paused' ? '(paused)' : ''}`, done: q.done, total: q.total, unit: 'cases' }} />
                <p className="hint" data-testid="queue-counts">
                  {q.done}/{q.total} cases; {q.computed} slices computed, {q.fromCache} read from the cache{left !== null ? `; about ${Math.ceil(left)} s left` : ''}
                </p>
                <ProgressBar progress={q.caseProgress} />
              </div>
            )}
          </fieldset>
          <div className="row">
            <button type="button" disabled={!model || !hasFiles || w.running || q.state === 'running' || !w.split.train.length || !w.split.test.length} onClick={() => void runDatasetComparison()}>
              Train on {w.split.train.length}, test on {w.split.test.length}: compare {mappings.map(mappingName).join(' vs ')}
            </button>
            {w.running && (
              <button type="button" onClick={cancelDatasetRun}>
                Cancel
              </button>
            )}
          </div>
          <p className="hint">Head: {runHeadName()} with the Train step's settings; one experiment per mapping, scored per test case (3D Dice, HD95) and paired by case in the comparison.</p>
          {w.running && <ProgressBar progress={w.progress} />}
          <div className="table-scroll">
            <table className="scores dataset-table" data-testid="workspace-table">
              <thead>
                <tr>
                  {header('case', 'Case')}
                  <th>Modalities</th>
                  <th>Labels</th>
                  {header('features', 'Features')}
                  {header('split', 'Split')}
                  {runs.flatMap((run) => REGIONS.map((r) => <Fragment key={`${run}-${r.id}`}>{header(`${run}\u0000${r.id}`, `${run} ${r.id}`)}</Fragment>))}
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id} data-testid="workspace-case" data-case={c.id} className={c.problems.length ? 'problem' : undefined}>
                    <td>
                      <button type="button" className="link" onClick={() => void openCase(c.id)} title="Open in the viewer">
                        {c.id}
                      </button>
                      {c.problems.length > 0 && <div className="error">{c.problems.join('; ')}</div>}
                    </td>
                    <td>{MODALITIES.filter((m) => c.modalities.includes(m)).map(shortRoleLabel).join(', ')}</td>
                    <td>{c.hasLabels ? 'yes' : 'no'}</td>
                    <td>
                      <span data-testid="case-features">{c.problems.length ? '' : slots.map((x) => `${mappingName(x.mapping)}${slots.length > mappings.length ? ` ${x.plane}` : ''}: ${w.features[c.id]?.[x.slot] ?? 'missing'}`).join('; ')}</span>
                      {(w.featureKeys[c.id]?.length ?? 0) > 0 && q.state !== 'running' && (
                        <button type="button" className="link" aria-label={`Drop the features of ${c.id}`} title="Drop this case's cached features (they are extracted again when needed)" onClick={() => void dropCaseFeatures(c.id)}>
                          drop
                        </button>
                      )}
                    </td>
                    <td>
                      {!c.problems.length && (
                        <select aria-label={`Split of ${c.id}`} value={partOf(w.split, c.id) ?? ''} onChange={(e) => moveToPart(c.id, e.currentTarget.value as SplitPart)}>
                          {SPLIT_PARTS.map((p) => (
                            <option key={p} value={p}>
                              {p}
                            </option>
                          ))}
                        </select>
                      )}
                    </td>
                    {runs.flatMap((run) =>
                      REGIONS.map((r) => {
                        const d = dice(c.id, run, r.id);
                        return (
                          <td key={`${run}-${r.id}`} data-testid={`dice-${r.id}`}>
                            {d === null ? (w.scores[c.id]?.some((s) => s.run === run) ? 'absent' : '') : d.toFixed(4)}
                          </td>
                        );
                      }),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {w.skipped.length > 0 && (
            <details>
              <summary>{w.skipped.length} files skipped</summary>
              <ul>
                {w.skipped.map((s) => (
                  <li key={s.path}>
                    {s.path}: {s.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
          <div className="row">
            <StorageLine />
            <button type="button" className="link" disabled={q.state === 'running' || w.running} onClick={() => void dropAllFeatures()}>
              Drop every cached feature
            </button>
          </div>
        </>
      )}
    </section>
  );
}
