import { describe, expect, it } from 'vitest';
import { sliceGeometry, voxelIndex } from '../features/slices.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { f16ToF32 } from '../weights/f16.ts';
import { computeVoxelFeatures } from '../voxels/voxelFeatures.ts';
import { type FineCase, fineSamples, labelsFromProbabilities, predictFineProbabilities } from './fineHead.ts';
import { weightedSegmentationLoss } from './loss.ts';
import { createMlpHead, fitStandardisation, mlpBackward, mlpForward } from './mlpHead.ts';
import { taskSpec } from './tasks.ts';

const spec = taskSpec('regions');

/** Loss of the head on fixed rows, for finite differences. */
function lossOf(head: ReturnType<typeof createMlpHead>, rows: Float32Array, n: number, targets: Float32Array, weights: Float32Array) {
  return weightedSegmentationLoss(spec, mlpForward(head, rows, n).logits, targets, weights).loss;
}

describe('MLP head', () => {
  // 7 rows: one block of four and a partial block of three (the layers take rows four at a time).
  it.each([12, 7])('has gradients equal to finite differences, through ReLU, standardisation and the weighted loss (%i rows)', (n) => {
    const F = 5;
    const head = createMlpHead(F, [6, 4], 3, 3);
    const rows = Float32Array.from({ length: n * F }, (_, i) => Math.sin(i * 1.3) * 3 + (i % F));
    fitStandardisation(head, rows, n);
    // biases away from 0 so no ReLU sits on its kink
    head.layers.forEach((l, i) => l.b.forEach((_, j) => (l.b[j] = 0.05 * (j + 1) * (i + 1))));
    head.layers[2].w.forEach((_, j) => (head.layers[2].w[j] = Math.cos(j) * 0.5));
    const targets = Float32Array.from({ length: n * 3 }, (_, i) => ((i * 5) % 3 === 0 ? 1 : 0));
    const weights = Float32Array.from({ length: n }, (_, i) => 1 + (i % 4));
    const a = mlpForward(head, rows, n);
    const { gradient } = weightedSegmentationLoss(spec, a.logits, targets, weights);
    const grads = mlpBackward(head, a, gradient);
    const eps = 1e-3;
    for (const [li, layer] of head.layers.entries()) {
      for (const [name, values] of [['w', layer.w], ['b', layer.b]] as const) {
        for (const j of [0, Math.floor(values.length / 2), values.length - 1]) {
          const keep = values[j];
          values[j] = keep + eps;
          const up = lossOf(head, rows, n, targets, weights);
          values[j] = keep - eps;
          const down = lossOf(head, rows, n, targets, weights);
          values[j] = keep;
          const numeric = (up - down) / (2 * eps);
          expect(grads[li][name][j], `layer ${li} ${name}[${j}]`).toBeCloseTo(numeric, 3);
        }
      }
    }
  });

  it('gives each row the logits of a plain per-row forward pass, for any number of rows', () => {
    const F = 4;
    const head = createMlpHead(F, [5], 2, 7);
    for (const n of [1, 2, 3, 5, 6]) {
      const rows = Float32Array.from({ length: n * F }, (_, i) => Math.cos(i * 0.9) * 2);
      const logits = mlpForward(head, rows, n).logits;
      for (let i = 0; i < n; i++) {
        const [l1, l2] = head.layers;
        const hidden = Array.from({ length: 5 }, (_, j) => Math.max(0, l1.b[j] + [0, 1, 2, 3].reduce((a, k) => a + rows[i * F + k] * l1.w[k * 5 + j], 0)));
        for (let c = 0; c < 2; c++) expect(logits[i * 2 + c]).toBeCloseTo(l2.b[c] + hidden.reduce((a, h, j) => a + h * l2.w[j * 2 + c], 0), 5);
      }
    }
  });

  it('weighted loss: integer weights equal repeating the samples', () => {
    const logits = Float32Array.of(0.3, -1, 2, 1.5, 0.2, -0.7);
    const targets = Float32Array.of(1, 0, 1, 0, 0, 1);
    const weighted = weightedSegmentationLoss(spec, logits, targets, Float32Array.of(1, 3)).loss;
    const repeated = weightedSegmentationLoss(
      spec,
      Float32Array.of(...logits.subarray(0, 3), ...logits.subarray(3), ...logits.subarray(3), ...logits.subarray(3)),
      Float32Array.of(...targets.subarray(0, 3), ...targets.subarray(3), ...targets.subarray(3), ...targets.subarray(3)),
      Float32Array.of(1, 1, 1, 1),
    ).loss;
    expect(weighted).toBeCloseTo(repeated, 6);
  });
});

describe('fine head on a case', () => {
  const d: Dims3 = [20, 20, 6];
  const flair = new Float32Array(20 * 20 * 6);
  const labels = new Uint8Array(flair.length);
  for (let z = 0; z < 6; z++) for (let y = 2; y < 18; y++) for (let x = 2; x < 18; x++) {
    const i = x + 20 * (y + 20 * z);
    const lesion = Math.hypot(x - 12, y - 9) < 3;
    flair[i] = lesion ? 300 : 100 + ((x + y) % 3);
    labels[i] = lesion ? 4 : 0;
  }
  const voxels = computeVoxelFeatures({ dims: d, spacing: [1, 1, 1], volumes: { flair } });
  const g = sliceGeometry(d, [1, 1, 1], 'axial', 28);
  // Patch features: one value per patch, its row index; 2 x 2 patches.
  const grid = Float32Array.of(0, 0, 1, 1);
  const c: FineCase = { id: 'c', dims: d, labels, voxels, blocks: [{ name: 'm', g, slices: [0, 1, 2, 3, 4, 5], dim: 1, features: async () => grid }] };

  it('predicts slice by slice exactly what the network gives each sample row', async () => {
    const inputs = { voxels: true, context: 1 };
    const s = await fineSamples(c, spec, inputs, { seed: 1, perLabel: 50 });
    expect(s.width).toBe(voxels.maps.length + 3);
    const head = createMlpHead(s.width, [5], 3, 2);
    fitStandardisation(head, s.rows, s.n);
    const probs = await predictFineProbabilities(head, c, spec, inputs);
    const logits = mlpForward(head, s.rows, s.n).logits;
    // Re-find each sample's voxel by matching its voxel-map columns is brittle; instead check a
    // few: the sample rows carry the voxel maps at the voxel, and predicting must agree.
    let checked = 0;
    for (let z = 0; z < 6 && checked < 40; z++) {
      for (let y = 2; y < 18; y++) {
        for (let x = 2; x < 18; x++) {
          const voxel = x + 20 * (y + 20 * z);
          const b = (x - voxels.origin[0]) + voxels.size[0] * (y - voxels.origin[1] + voxels.size[1] * (z - voxels.origin[2]));
          for (let i = 0; i < s.n; i++) {
            let same = true;
            for (let f = 0; f < voxels.maps.length && same; f++) same = s.rows[i * s.width + f] === f16ToF32(voxels.maps[f][b]);
            if (!same) continue;
            const p = 1 / (1 + Math.exp(-logits[i * 3 + 2]));
            expect(probs[b * 3 + 2]).toBeCloseTo(p, 4);
            checked++;
            break;
          }
          void voxel;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('draws at most perLabel voxels a label and weights them back to the label counts', async () => {
    const s = await fineSamples(c, spec, { voxels: true, context: 0 }, { seed: 1, perLabel: 100 });
    const lesionVoxels = labels.reduce((a, l) => a + (l === 4 ? 1 : 0), 0);
    const healthy = 16 * 16 * 6 - lesionVoxels;
    let wLesion = 0, wHealthy = 0;
    for (let i = 0; i < s.n; i++) (s.targets[i * 3 + 2] ? (wLesion += s.weights[i]) : (wHealthy += s.weights[i]));
    expect(lesionVoxels).toBeGreaterThan(100); // so both labels are thinned
    expect(wLesion / lesionVoxels).toBeGreaterThan(0.8);
    expect(wLesion / lesionVoxels).toBeLessThan(1.2);
    expect(wHealthy / healthy).toBeGreaterThan(0.8);
    expect(wHealthy / healthy).toBeLessThan(1.2);
    expect(s.n).toBeLessThan(250);
  });

  it('draws background near the tumour as a stratum of its own, each stratum weighted back to its count', async () => {
    // Independent count: background brain voxels with a lesion voxel within 2 voxels along every axis.
    let near = 0, far = 0;
    for (let z = 0; z < 6; z++) for (let y = 2; y < 18; y++) for (let x = 2; x < 18; x++) {
      if (labels[x + 20 * (y + 20 * z)]) continue;
      let close = false;
      for (let dz = -2; dz <= 2 && !close; dz++) for (let dy = -2; dy <= 2 && !close; dy++) for (let dx = -2; dx <= 2 && !close; dx++) {
        const [xx, yy, zz] = [x + dx, y + dy, z + dz];
        close = xx >= 0 && yy >= 0 && zz >= 0 && xx < 20 && yy < 20 && zz < 6 && labels[xx + 20 * (yy + 20 * zz)] > 0;
      }
      if (close) near++;
      else far++;
    }
    expect(near).toBeGreaterThan(100);
    const s = await fineSamples(c, spec, { voxels: true, context: 0 }, { seed: 3, perLabel: 100, nearBandMm: 2 });
    // Background rows come in two weights, 1 / rate of each stratum; their sums estimate each count.
    const byWeight = new Map<number, { rows: number; sum: number }>();
    for (let i = 0; i < s.n; i++) {
      if (s.targets[i * 3]) continue;
      const w = s.weights[i];
      const e = byWeight.get(w) ?? { rows: 0, sum: 0 };
      byWeight.set(w, { rows: e.rows + 1, sum: e.sum + w });
    }
    expect(byWeight.size).toBe(2);
    const [nearStratum, farStratum] = [...byWeight.entries()].sort((a, b) => a[0] - b[0]).map(([w, e]) => ({ w, ...e }));
    expect(nearStratum.w).toBeCloseTo(near / 100, 4);
    expect(farStratum.w).toBeCloseTo(far / 100, 4);
    for (const [stratum, count] of [[nearStratum, near], [farStratum, far]] as const) {
      expect(stratum.sum / count).toBeGreaterThan(0.75);
      expect(stratum.sum / count).toBeLessThan(1.25);
    }
  });

  it('only predicts inside the brain; hierarchy keeps ET inside TC inside WT', () => {
    const probs = new Float32Array(voxels.brain.length * 3);
    probs[0] = 0.9; probs[1] = 0.2; probs[2] = 0.9; // ET without TC
    expect(labelsFromProbabilities(spec, probs, voxels, false)[voxelIndex(g, 0, 17, 2)]).toBe(4);
    expect(labelsFromProbabilities(spec, probs, voxels, true)[voxelIndex(g, 0, 17, 2)]).toBe(2);
    expect(labelsFromProbabilities(spec, probs, voxels, true)[0]).toBe(0);
  });
});
