import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const hasClang = (() => {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the committed SIMD kernels', () => {
  // CI installs Debian's clang, so this runs there; without clang the bytes cannot be rebuilt.
  it.skipIf(!hasClang)('are what simd.c compiles to', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kernels-')), 'simdBinary.ts');
    execFileSync('bash', [join(ROOT, 'scripts', 'build-kernels.sh'), out]);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(ROOT, 'src', 'core', 'kernels', 'simdBinary.ts'), 'utf8'));
  });
});
