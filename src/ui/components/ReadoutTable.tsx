import type { RegionReadout } from '../../core/metrics/readout.ts';
import { regionName } from '../../core/metrics/regions.ts';

/** What a clinician reports from the prediction: each region's volume and RANO's two diameters. */
export function ReadoutTable({ readout }: { readout: RegionReadout[] }) {
  return (
    <table className="scores" data-testid="readout" title="Volumes in mL on the case's real spacing. RANO: the longest axial diameter (edge to edge) on the slice where the region is widest, and the longest diameter perpendicular to it, of its largest component">
      <thead>
        <tr>
          <th>Region</th>
          <th>Volume (mL)</th>
          <th>RANO (mm)</th>
        </tr>
      </thead>
      <tbody>
        {readout.map((r) => (
          <tr key={r.region}>
            <td title={regionName(r.region)}>{r.region}</td>
            <td>{r.volumeMl.toFixed(2)}</td>
            <td>{r.rano ? `${r.rano.longestMm.toFixed(1)} × ${r.rano.perpendicularMm.toFixed(1)} (slice ${r.rano.slice})` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
