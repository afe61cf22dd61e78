/** Runs nibabel (Debian's python3-nibabel) as the independent reference for NIfTI tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PYTHON = process.env.NIBABEL_PYTHON ?? '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'nibabel_fixtures.py');

export interface NibabelView {
  path: string;
  shape: number[];
  dtype: string;
  affine: number[][];
  qform_code: number;
  sform_code: number;
  data: number[];
  canonical_shape: number[];
  canonical_affine: number[][];
  canonical_data: number[];
}

function run(args: string[]): string {
  try {
    return execFileSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  } catch (e) {
    throw new Error(`nibabel reference failed (install it with: apt-get install python3-nibabel): ${(e as Error).message}`);
  }
}

let cached: NibabelView[] | undefined;
export function nibabelFixtures(): NibabelView[] {
  if (!cached) cached = JSON.parse(run([mkdtempSync(join(tmpdir(), 'nib-'))])) as NibabelView[];
  return cached;
}

export function nibabelInspect(path: string): NibabelView {
  return JSON.parse(run(['--inspect', path])) as NibabelView;
}

export const REAL_CASES = join(import.meta.dirname, '..', '..', 'shared', 'real-cases');
