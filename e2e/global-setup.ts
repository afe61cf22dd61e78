import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { E2E_DATA, PROBE_WEIGHTS, SMALL_CASE, TINY_CASE, TINY_WEIGHTS } from './paths.ts';

/** Generates the synthetic cases the tests drop, with the studio's own CLI (real .nii.gz files). */
export default function globalSetup(): void {
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
