/**
 * What a reader may do with a broken file: read it, or refuse it with its own error class and a
 * message. Anything else (a TypeError, a RangeError, a hang, an allocation out of proportion to
 * the file) is a crash the user would see as a blank page or a dead worker.
 */
import { readDinoV2 } from '../../src/core/models/dinov2/load.ts';
import { NiftiError } from '../../src/core/nifti/header.ts';
import { readNifti } from '../../src/core/nifti/read.ts';
import { readCaseInput } from '../../src/core/case/load.ts';
import { loadVolume } from '../../src/core/volume.ts';
import { WeightsError } from '../../src/core/weights/safetensors.ts';

export type Outcome = { kind: 'read' } | { kind: 'refused'; message: string } | { kind: 'crash'; error: unknown };

// Voxels a successful read may hold per byte of (decompressed) file: a byte is at least one uint8 voxel.
function checkVolumeSize(voxels: number, decodedBytes: number): void {
  if (voxels > decodedBytes) throw new Error(`read ${voxels} voxels from ${decodedBytes} bytes`);
}

function classify(run: () => void, expected: new (...args: never[]) => Error): Outcome {
  try {
    run();
    return { kind: 'read' };
  } catch (error) {
    if (error instanceof expected && error.message.trim().length > 0) return { kind: 'refused', message: error.message };
    return { kind: 'crash', error };
  }
}

export function readVolumeFile(bytes: Uint8Array): Outcome {
  return classify(() => {
    const image = readNifti(bytes);
    checkVolumeSize(image.data.length, bytes.length * 1100); // gzip inflates at most ~1032x
    const volume = loadVolume(bytes, 'fuzz.nii');
    if (volume.data.length !== image.data.length) throw new Error('loadVolume changed the voxel count');
    if (volume.data.some((v) => !Number.isFinite(v))) throw new Error('a non-finite voxel reached the volume');
    if (volume.spacing.some((s) => !(s > 0) || !Number.isFinite(s))) throw new Error(`spacing ${volume.spacing} reached the volume`);
  }, NiftiError);
}

export function readCheckpointFile(bytes: Uint8Array): Outcome {
  return classify(() => {
    readDinoV2([bytes]);
  }, WeightsError);
}

/** A dropped DICOM series: converted and read, or refused file by file with a message; never a rejection or a broken volume. */
export async function readDicomFiles(files: Uint8Array[]): Promise<Outcome> {
  try {
    const r = await readCaseInput(files.map((bytes, i) => ({ name: `IM${i}.dcm`, bytes })));
    for (const f of r.failed) if (!f.error.trim()) throw new Error(`${f.name} failed without a message`);
    for (const f of r.loaded) {
      if (f.volume.data.some((v) => !Number.isFinite(v))) throw new Error('a non-finite voxel reached the volume');
      if (f.volume.spacing.some((s) => !(s > 0) || !Number.isFinite(s))) throw new Error(`spacing ${f.volume.spacing} reached the volume`);
    }
    return r.loaded.length ? { kind: 'read' } : { kind: 'refused', message: r.failed.map((f) => f.error).join('; ') || 'no volume' };
  } catch (error) {
    return { kind: 'crash', error };
  }
}
