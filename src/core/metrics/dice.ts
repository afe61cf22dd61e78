/**
 * Dice = 2|P ∩ T| / (|P| + |T|); one empty mask and one not: 0. Two empty masks give null, "absent,
 * not scored": the BraTS challenge counts them as 1, which reads as a perfect score for a region
 * nobody looked for and lifts means; the studio shows them as absent and leaves them out of means.
 */
export function diceScore(prediction: ArrayLike<number>, truth: ArrayLike<number>): number | null {
  if (prediction.length !== truth.length) throw new Error(`masks differ in size: ${prediction.length} vs ${truth.length}`);
  let both = 0, p = 0, t = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = prediction[i] > 0 ? 1 : 0;
    const b = truth[i] > 0 ? 1 : 0;
    both += a & b;
    p += a;
    t += b;
  }
  return p + t === 0 ? null : (2 * both) / (p + t);
}
