/**
 * Dice = 2|P ∩ T| / (|P| + |T|). Convention for two empty masks: 1 (nothing to find, nothing
 * found), as in the BraTS challenge; one empty and one not: 0.
 */
export function diceScore(prediction: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (prediction.length !== truth.length) throw new Error(`masks differ in size: ${prediction.length} vs ${truth.length}`);
  let both = 0, p = 0, t = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = prediction[i] > 0 ? 1 : 0;
    const b = truth[i] > 0 ? 1 : 0;
    both += a & b;
    p += a;
    t += b;
  }
  return p + t === 0 ? 1 : (2 * both) / (p + t);
}
