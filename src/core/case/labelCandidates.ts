/**
 * Case folders often hold several label maps: the expert's, a fusion of algorithms and each
 * algorithm's output. One is the truth the studio scores against; the rest stay at hand to switch to.
 */
import type { CaseFile } from './caseFile.ts';
import { detectRole, nameTokens, type Role } from './roles.ts';

/** Who made a label map, as far as its name tells: experts first, then fusions, then single algorithms. */
export type LabelSource = 'expert' | 'fusion' | 'algorithm';

const EXPERT = new Set(['goldstandard', 'groundtruth', 'truth', 'gt', 'consensus', 'annotation', 'annotations']);
const FUSION = new Set(['fusion', 'fused', 'mav', 'majority', 'vote', 'staple', 'ensemble']);
const RANK: Record<LabelSource, number> = { expert: 0, fusion: 1, algorithm: 2 };

export const LABEL_SOURCE_TEXT: Record<LabelSource, string> = {
  expert: "its name reads as an expert's",
  fusion: 'its name reads as a fusion of algorithms',
  algorithm: "its name reads as one algorithm's output",
};

/**
 * "GOLD_STANDARD_lesions" and "case_seg" read as expert; "seg_fusion_mav" as a fusion; "seg_deepmedic"
 * (a word after the label word that is not a number) as one algorithm's output.
 */
export function labelSource(fileName: string): LabelSource {
  const tokens = nameTokens(fileName);
  const words = tokens.join(' ');
  // Prefixes catch "rater2", "ManuallyCorrected", "experts".
  if (tokens.some((t) => EXPERT.has(t) || /^(rater|manual|expert)/.test(t)) || words.includes('gold standard') || words.includes('ground truth')) return 'expert';
  if (tokens.some((t) => FUSION.has(t))) return 'fusion';
  let last = -1;
  tokens.forEach((t, i) => {
    if (detectRole(t)?.role === 'seg') last = i;
  });
  const after = last < 0 ? [] : tokens.slice(last + 1).filter((t) => !/^\d+$/.test(t));
  return after.length ? 'algorithm' : 'expert';
}

/** Label-map names, best first: by source, then by name so the choice never depends on drop order. */
export function rankLabelMaps(names: string[]): string[] {
  return [...names].sort((a, b) => RANK[labelSource(a)] - RANK[labelSource(b)] || a.localeCompare(b));
}

/** With several files taken for the label map, the best keeps the role and the others become alternatives. */
export function chooseLabelMap(files: CaseFile[]): CaseFile[] {
  const maps = files.filter((f) => f.role === 'seg');
  if (maps.length < 2) return files;
  const best = rankLabelMaps(maps.map((f) => f.name))[0];
  return files.map((f) => (f.role === 'seg' && f.name !== best ? { ...f, role: 'altseg' } : f));
}

/** A role given by hand. Choosing another label map keeps the current one as an alternative. */
export function withRole(files: CaseFile[], name: string, role: Role): CaseFile[] {
  return files.map((f) => {
    if (f.name === name) return { ...f, role };
    if (role === 'seg' && f.role === 'seg') return { ...f, role: 'altseg' };
    return f;
  });
}
