/** The bounded fuzz CI runs; npm run fuzz runs the long one with the same inputs and rules. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokenCheckpoint, brokenDicomSeries, brokenNifti, checkpointSeed, dicomSeed, garbage, niftiSeeds } from './readerInputs.ts';
import { type Outcome, readCheckpointFile, readDicomFiles, readVolumeFile } from './readers.ts';

const RUNS = 1500;

function neverCrashes(arbitrary: fc.Arbitrary<Uint8Array>, read: (b: Uint8Array) => Outcome): Record<Outcome['kind'], number> {
  const counts = { read: 0, refused: 0, crash: 0 };
  fc.assert(
    fc.property(arbitrary, (bytes) => {
      const outcome = read(bytes);
      counts[outcome.kind]++;
      if (outcome.kind === 'crash') throw outcome.error;
    }),
    { numRuns: RUNS },
  );
  return counts;
}

describe('fuzzing the readers users hand files to', () => {
  it('starts from files that read', () => {
    for (const seed of niftiSeeds()) expect(readVolumeFile(seed)).toEqual({ kind: 'read' });
    expect(readCheckpointFile(checkpointSeed())).toEqual({ kind: 'read' });
  });

  it('a broken NIfTI is read or refused with a NiftiError, never a crash', () => {
    const counts = neverCrashes(brokenNifti(), readVolumeFile);
    // Both outcomes occur: the mutations reach past the first check.
    expect(counts.read).toBeGreaterThan(RUNS * 0.03);
    expect(counts.refused).toBeGreaterThan(RUNS * 0.5);
  });

  it('garbage is refused as NIfTI', () => {
    expect(neverCrashes(garbage(), readVolumeFile).read).toBe(0);
  });

  it('a broken checkpoint is read or refused with a WeightsError, never a crash', () => {
    const counts = neverCrashes(brokenCheckpoint(), readCheckpointFile);
    expect(counts.read).toBeGreaterThan(RUNS * 0.02);
    expect(counts.refused).toBeGreaterThan(RUNS * 0.5);
  });

  it('garbage is refused as a checkpoint', () => {
    expect(neverCrashes(garbage(), readCheckpointFile).read).toBe(0);
  });

  it('a DICOM series with broken files is converted or refused with a message, never a crash (dcm2niix in WebAssembly)', async () => {
    const seeds = dicomSeed();
    expect(await readDicomFiles(seeds)).toEqual({ kind: 'read' });
    const counts = { read: 0, refused: 0, crash: 0 };
    await fc.assert(
      fc.asyncProperty(brokenDicomSeries(seeds), async (files) => {
        const outcome = await readDicomFiles(files);
        counts[outcome.kind]++;
        if (outcome.kind === 'crash') throw outcome.error;
      }),
      { numRuns: 60 },
    );
    expect(counts.read).toBeGreaterThan(0);
    expect(counts.refused + counts.read).toBe(60);
  }, 120_000);
});
