import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { gunzipSync } from 'fflate';
import { diagonalAffine } from '../src/core/geometry/affine.ts';
import { headerFor, writeNifti } from '../src/core/nifti/write.ts';
import { exportLikeSource, loadVolume } from '../src/core/volume.ts';
import { caseFiles, dropFiles, fileBytes, waitForCase } from './helpers.ts';
import { SMALL_CASE, TINY_CASE } from './paths.ts';

/** Every bad drop leaves the loaded case as it was, and says what is wrong. */
test.describe('bad input keeps what is loaded', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await dropFiles(page, caseFiles(TINY_CASE).map((p) => fileBytes(p)));
    await waitForCase(page, 'synthetic-6');
  });

  const expectKept = async (page: import('@playwright/test').Page) => {
    await waitForCase(page, 'synthetic-6');
    await expect(page.getByTestId('role-table').locator('tbody tr')).toHaveCount(5);
  };

  test('a file that is neither NIfTI nor DICOM', async ({ page }) => {
    await dropFiles(page, [{ name: 'notes.txt', bytes: new TextEncoder().encode('not an image') }]);
    await expect(page.getByRole('alert')).toContainText('Nothing to open: notes.txt is neither a NIfTI nor a DICOM file');
    await expectKept(page);
  });

  test('a case folder with a licence beside its volumes loads, and the licence is listed as skipped', async ({ page }) => {
    await dropFiles(page, [...caseFiles(SMALL_CASE).map((p) => fileBytes(p)), { name: 'LICENSE.txt', bytes: new TextEncoder().encode('CC BY 4.0') }]);
    await waitForCase(page, 'synthetic-5');
    await expect(page.getByRole('status').filter({ hasText: 'Skipped a file that is neither a NIfTI nor a DICOM image: LICENSE.txt.' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('a non-NIfTI file named .nii', async ({ page }) => {
    await dropFiles(page, [{ name: 'fake_flair.nii', bytes: new Uint8Array(400).fill(7) }]);
    await expect(page.getByRole('alert')).toContainText('fake_flair.nii: not a NIfTI file');
    await expectKept(page);
  });

  test('DICOM files that hold no image (cut, junk) are named, and the case shown stays', async ({ page }) => {
    const junk = new Uint8Array(2000).map((_, i) => (i * 31) % 256);
    junk.set([0x44, 0x49, 0x43, 0x4d], 128);
    await dropFiles(page, [{ name: 'IM0001.dcm', bytes: junk }, { name: 'IM0002.dcm', bytes: junk.slice(0, 300) }]);
    await expect(page.getByRole('alert')).toContainText('2 DICOM files: dcm2niix made no volume of them');
    await expectKept(page);
  });

  test('a truncated .nii.gz', async ({ page }) => {
    const { bytes } = fileBytes(caseFiles(SMALL_CASE)[0]);
    await dropFiles(page, [{ name: 'cut_flair.nii.gz', bytes: bytes.subarray(0, bytes.length >> 1) }]);
    await expect(page.getByRole('alert')).toContainText('cut_flair.nii.gz: corrupt or truncated gzip data');
    await expectKept(page);
  });

  test('a 4D volume', async ({ page }) => {
    const raw = gunzipSync(new Uint8Array(readFileSync(caseFiles(TINY_CASE)[0])));
    const view = new DataView(raw.buffer, raw.byteOffset);
    view.setInt16(40, 4, true); // dim[0] = 4
    view.setInt16(46, 16, true); // dim[3] = 16 (was 32)
    view.setInt16(48, 2, true); // dim[4] = 2 frames
    await dropFiles(page, [{ name: 'series_flair.nii', bytes: raw }]);
    await expect(page.getByRole('alert')).toContainText('a 4D volume (48x48x16x2)');
    await expectKept(page);
  });

  test('a case whose volumes lie apart in the world (another patient, a broken header)', async ({ page }) => {
    const [small] = caseFiles(SMALL_CASE);
    const tiny = loadVolume(fileBytes(caseFiles(TINY_CASE).find((p) => p.endsWith('_t2.nii.gz'))!).bytes, 't2');
    // The same T2, 500 mm to the right: no voxel of it meets the FLAIR's field of view.
    const far = writeNifti(headerFor(tiny.dims, tiny.affine.map((v, i) => (i === 3 ? v + 500 : v)), 16), tiny.data);
    await dropFiles(page, [fileBytes(small, 'mixed_flair.nii.gz'), { name: 'mixed_t2.nii', bytes: far }]);
    await expect(page.getByRole('alert')).toContainText("mixed_t2.nii lies outside the FLAIR grid's field of view in the world");
    await expectKept(page);
  });

  test('a label map with unexpected values', async ({ page }) => {
    const raw = gunzipSync(new Uint8Array(readFileSync(caseFiles(TINY_CASE).find((p) => p.endsWith('_seg.nii.gz'))!)));
    raw[352 + 100] = 9;
    await dropFiles(page, [{ name: 'other_seg.nii', bytes: raw }]);
    await expect(page.getByRole('alert')).toContainText('label map has unexpected values 9');
    await expectKept(page);
  });

  test('a FLAIR with NaN outside the brain loads, read as 0 there, and the count is said', async ({ page }) => {
    const files = caseFiles(TINY_CASE);
    const path = files.find((p) => p.endsWith('_flair.nii.gz'))!;
    const v = loadVolume(new Uint8Array(readFileSync(path)), path);
    const outside = v.data.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);
    const nan = { name: 'synthetic-6_flair.nii.gz', bytes: exportLikeSource(v, v.data.map((x) => (x === 0 ? NaN : x)), { datatype: 16 }) };
    await dropFiles(page, [...files.filter((p) => p !== path).map((p) => fileBytes(p)), nan]);
    await expect(page.getByRole('status').filter({ hasText: `synthetic-6_flair.nii.gz: ${outside.toLocaleString('en-US')} voxels were NaN or infinite; they are read as 0 (no data).` })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expectKept(page);
  });

  test('a volume too large for a tab is refused with what would open it, and one click opens the case downsampled', async ({ page }) => {
    // 350^3 = 42.9 million voxels at 0.5 mm, over the 40 million a volume the studio holds: a head
    // of radius 70 mm with a lesion of radius 25 mm, as FLAIR and label map.
    const n = 350;
    const flair = new Uint8Array(n * n * n);
    const seg = new Uint8Array(n * n * n);
    for (let z = 0, i = 0; z < n; z++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++, i++) {
          const r = Math.hypot(x - 175, y - 175, z - 175) / 2;
          flair[i] = r < 25 ? 200 : r < 70 ? 100 : 0;
          seg[i] = r < 25 ? 2 : 0;
        }
    const affine = diagonalAffine([0.5, 0.5, 0.5]);
    const files = [
      { name: 'big_flair.nii.gz', bytes: writeNifti(headerFor([n, n, n], affine, 2), flair, { gzip: true }) },
      { name: 'big_seg.nii.gz', bytes: writeNifti(headerFor([n, n, n], affine, 2), seg, { gzip: true }) },
    ];
    await dropFiles(page, files);
    const refusal = page.getByRole('alert').filter({ hasText: 'big_flair.nii.gz, big_seg.nii.gz' });
    await expect(refusal).toContainText('it is 350×350×350 voxels (43 million, 172 MB as float32), more than the studio holds in a browser tab (40 million a volume); it can be opened downsampled ×2 (175×175×175)');
    await expectKept(page);
    await refusal.getByRole('button', { name: 'Open downsampled ×2' }).click();
    await waitForCase(page, 'big');
    await expect(page.getByRole('status').filter({ hasText: 'big_flair.nii.gz: read downsampled ×2 (350×350×350 → 175×175×175).' })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'big_seg.nii.gz: read downsampled ×2 (350×350×350 → 175×175×175, most frequent label of each block).' })).toBeVisible();
    await expect(page.getByTestId('legend')).toContainText('Oedema');
  });

  test('an empty drop', async ({ page }) => {
    await dropFiles(page, []);
    await expect(page.getByRole('alert')).toContainText('Nothing to open');
    await expectKept(page);
  });
});
