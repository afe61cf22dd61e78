import type { DinoV2Config } from '../src/core/models/dinov2/types.ts';

/** Multiply-adds x 2 of one DINOv2 forward pass at H x W (ViT-S/14 at 224: 12.25 GFLOP). */
export function forwardFlops(c: DinoV2Config, height: number, width: number): number {
  const P = (height / c.patchSize) * (width / c.patchSize);
  const N = 1 + c.registers + P;
  const hidden = c.ffn === 'swiglu' ? 3 * c.mlpHidden : 2 * c.mlpHidden; // fc1 (two halves for SwiGLU) + fc2
  const block = 2 * N * c.dim * 3 * c.dim + 4 * N * N * c.dim + 2 * N * c.dim * c.dim + 2 * N * c.dim * hidden;
  return 2 * P * 3 * c.patchSize ** 2 * c.dim + c.depth * block;
}
