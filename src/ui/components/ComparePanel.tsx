import { MODALITIES, type Modality, shortRoleLabel } from '../../core/case/roles.ts';
import { mappingName, PRESET_COMPARISON } from '../../core/experiments/compare.ts';
import type { ChannelMapping } from '../../core/features/channels.ts';
import { useCase } from '../../state/case.ts';
import {
  cancelComparison,
  runAblation,
  runAdapterComparison,
  runComparison,
  setMappings,
  useExperiments,
} from '../../state/experiments.ts';
import { useModel } from '../../state/model.ts';
import { ProgressBar } from './ProgressBar.tsx';

function MappingRow({ mapping, index }: { mapping: ChannelMapping; index: number }) {
  const mappings = useExperiments((s) => s.mappings);
  const change = (channel: number, m: Modality | null) => setMappings(mappings.map((x, i) => (i === index ? (x.map((c, j) => (j === channel ? m : c)) as ChannelMapping) : x)));
  return (
    <div className="row mapping-row" data-testid="compare-mapping">
      {mapping.map((m, channel) => (
        <select key={channel} aria-label={`Mapping ${index + 1} ${'RGB'[channel]}`} value={m ?? ''} onChange={(e) => change(channel, (e.currentTarget.value || null) as Modality | null)}>
          {MODALITIES.map((x) => (
            <option key={x} value={x}>
              {shortRoleLabel(x)}
            </option>
          ))}
          <option value="">empty</option>
        </select>
      ))}
      <button type="button" aria-label={`Remove mapping ${index + 1}`} disabled={mappings.length <= 2} onClick={() => setMappings(mappings.filter((_, i) => i !== index))}>
        ×
      </button>
    </div>
  );
}

export function ComparePanel() {
  const current = useCase((s) => s.current);
  const model = useModel((s) => s.info);
  const { mappings, running, progress } = useExperiments();
  const ready = !!current?.labels && !!model && !running;
  const why = !current ? 'Load a case first.' : !current.labels ? 'A comparison needs the case’s label map to score against.' : !model ? 'Load a backbone first.' : null;
  return (
    <section className="compare" aria-label="Compare">
      <h3>Compare mappings</h3>
      <button type="button" disabled={!ready} onClick={() => void runComparison(PRESET_COMPARISON.map((p) => p.mapping))}>
        Compare 3 modalities vs FLAIR only
      </button>
      <button type="button" disabled={!ready} onClick={() => void runAblation()} title="On the mapping in use: the seed's linear probe, the fine head, the voxel inputs alone and the backbone alone">
        Linear probe (the seed's) vs voxel heads
      </button>
      <button
        type="button"
        disabled={!ready}
        onClick={() => void runAdapterComparison()}
        title="On the mapping in use: the frozen linear probe, and the same probe with a LoRA or a Rein adapter fine-tuning the backbone's last 2 blocks on this device; the time it will take shows before training starts"
      >
        Frozen probe vs LoRA vs Rein
      </button>
      <details>
        <summary>Other mappings ({mappings.map(mappingName).join(' vs ')})</summary>
        {mappings.map((m, i) => (
          <MappingRow key={i} mapping={m} index={i} />
        ))}
        <div className="row">
          <button type="button" onClick={() => setMappings([...mappings, ['t1ce', 't1ce', 't1ce']])}>
            Add a mapping
          </button>
          <button type="button" disabled={!ready} onClick={() => void runComparison()}>
            Compare these
          </button>
        </div>
      </details>
      {why && <p className="hint">{why}</p>}
      <p className="hint">Same split, seed and head settings (from the panel above) for every mapping; scored on a held-out block of slices.</p>
      {running && (
        <div className="row">
          <ProgressBar progress={progress} />
          <button type="button" onClick={cancelComparison}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}
