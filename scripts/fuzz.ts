/**
 * The long fuzz of the file readers (npm run fuzz -- [cases per input kind, default 20000]): CI
 * runs a bounded one in test/fuzz/readers.test.ts. Prints cases tried, read, refused and crashed,
 * the slowest case, and the first crashes in full.
 */
import fc from 'fast-check';
import { brokenCheckpoint, brokenDicomSeries, brokenNifti, dicomSeed, garbage } from '../test/fuzz/readerInputs.ts';
import { type Outcome, readCheckpointFile, readDicomFiles, readVolumeFile } from '../test/fuzz/readers.ts';

const cases = Number(process.argv[2] ?? 20_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
console.log(`fuzzing with seed ${seed}, ${cases} cases per input kind`);

const kinds: [string, fc.Arbitrary<Uint8Array>, (b: Uint8Array) => Outcome][] = [
  ['broken NIfTI', brokenNifti(), readVolumeFile],
  ['garbage as NIfTI', garbage(), readVolumeFile],
  ['broken checkpoint', brokenCheckpoint(), readCheckpointFile],
  ['garbage as checkpoint', garbage(), readCheckpointFile],
];
let crashes = 0;
for (const [name, arbitrary, read] of kinds) {
  const counts = { read: 0, refused: 0, crash: 0 };
  let slowest = 0;
  const messages = new Map<string, number>();
  let done = 0;
  while (done < cases) {
    const batch = fc.sample(arbitrary, { numRuns: Math.min(1000, cases - done), seed: seed + done });
    for (const bytes of batch) {
      const t = performance.now();
      const outcome = read(bytes);
      slowest = Math.max(slowest, performance.now() - t);
      counts[outcome.kind]++;
      if (outcome.kind === 'refused') {
        const key = outcome.message.replace(/-?\d[\d.e+-]*/g, 'N').slice(0, 70);
        messages.set(key, (messages.get(key) ?? 0) + 1);
      }
      if (outcome.kind === 'crash' && crashes++ < 5) console.log(`CRASH (${name}, ${bytes.length} bytes):`, outcome.error);
    }
    done += batch.length;
  }
  console.log(`${name}: ${done} tried, ${counts.read} read, ${counts.refused} refused, ${counts.crash} crashed; slowest ${slowest.toFixed(1)} ms`);
  for (const [m, n] of [...messages].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`   ${n}x ${m}`);
}
// DICOM: dcm2niix in WebAssembly, a fresh module a case (~50 ms), so a tenth as many cases.
{
  const seeds = dicomSeed();
  const counts = { read: 0, refused: 0, crash: 0 };
  const n = Math.max(1, Math.round(cases / 10));
  const batch = fc.sample(brokenDicomSeries(seeds), { numRuns: n, seed });
  for (const files of batch) {
    const outcome = await readDicomFiles(files);
    counts[outcome.kind]++;
    if (outcome.kind === 'crash' && crashes++ < 5) console.log('CRASH (broken DICOM series):', outcome.error);
  }
  console.log(`broken DICOM series: ${n} tried, ${counts.read} read, ${counts.refused} refused, ${counts.crash} crashed`);
}
process.exit(crashes ? 1 : 0);
