import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEIGHTS_ORIGIN } from './weightsServer.ts';
import { E2E_DATA, ROOT, PROBE_WEIGHTS, SMALL_CASE, TINY_CASE, TINY_WEIGHTS } from './paths.ts';

/** Generates the synthetic cases the tests drop, with the studio's own CLI (real .nii.gz files). */
export default function globalSetup(): void {
  const built = readFileSync(join(ROOT, 'dist', 'index.html'), 'utf8');
  if (!built.includes(WEIGHTS_ORIGIN)) throw new Error(`dist/ was not built for the e2e tests (its policy does not allow ${WEIGHTS_ORIGIN}): run npm run test:e2e`);
  for (const [dir, dims, seed] of [
    [SMALL_CASE, '128,128,80', '5'],
    [TINY_CASE, '48,48,32', '6'],
  ]) {
    if (!existsSync(dir)) execFileSync('npx', ['tsx', 'src/cli/main.ts', 'synth', '--out', dir, '--dims', dims, '--seed', seed], { stdio: 'inherit' });
  }
  if (!existsSync(TINY_WEIGHTS)) {
    execFileSync('npx', ['tsx', 'src/cli/main.ts', 'make-checkpoint', '--preset', 'tiny', '--seed', '1', '--naming', 'hf', '--out', TINY_WEIGHTS], { stdio: 'inherit' });
  }
  if (!existsSync(PROBE_WEIGHTS)) {
    execFileSync('npx', ['tsx', 'src/cli/main.ts', 'make-checkpoint', '--preset', 'probe', '--seed', '1', '--naming', 'hf', '--out', PROBE_WEIGHTS], { stdio: 'inherit' });
  }
  void E2E_DATA;
}
