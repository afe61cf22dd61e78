/** What a file of a case holds. */
export type Modality = 'flair' | 't1' | 't1ce' | 't2';
/** 'altseg': another label map of the case (an algorithm's output, a second rater), kept to switch to. */
export type Role = Modality | 'seg' | 'altseg' | 'brainmask' | 'ignore';

export const MODALITIES: readonly Modality[] = ['flair', 't1', 't1ce', 't2'];
export const ROLES: readonly Role[] = [...MODALITIES, 'seg', 'altseg', 'brainmask', 'ignore'];

export const ROLE_LABELS: Record<Role, string> = {
  flair: 'FLAIR',
  t1: 'T1',
  t1ce: 'T1gd (T1ce)',
  t2: 'T2',
  seg: 'Label map',
  altseg: 'Other label map',
  brainmask: 'Brain mask',
  ignore: 'Ignore',
};

/** A modality's name without its alias ("T1gd" for "T1gd (T1ce)"), for compact labels. */
export const shortRoleLabel = (r: Role): string => ROLE_LABELS[r].replace(/ \(.*\)$/, '');

/** The naming scheme a file name matched; it also hints at the label convention. */
export type NamingScheme = 'brats2021' | 'brats2023' | 'brats2015' | 'generic';

const TOKENS: Record<string, { role: Role; scheme: NamingScheme }> = {
  // BraTS 2023
  t2f: { role: 'flair', scheme: 'brats2023' },
  t1n: { role: 't1', scheme: 'brats2023' },
  t1c: { role: 't1ce', scheme: 'brats2015' },
  t2w: { role: 't2', scheme: 'brats2023' },
  // BraTS 2021
  flair: { role: 'flair', scheme: 'brats2021' },
  t1: { role: 't1', scheme: 'brats2021' },
  t1ce: { role: 't1ce', scheme: 'brats2021' },
  t2: { role: 't2', scheme: 'brats2021' },
  seg: { role: 'seg', scheme: 'brats2021' },
  // BraTS 2013/2015
  ot: { role: 'seg', scheme: 'brats2015' },
  otmulticlass: { role: 'seg', scheme: 'brats2015' },
  // common variants
  fla: { role: 'flair', scheme: 'generic' },
  t2flair: { role: 'flair', scheme: 'generic' },
  t1gd: { role: 't1ce', scheme: 'generic' },
  t1post: { role: 't1ce', scheme: 'generic' },
  t1w: { role: 't1', scheme: 'generic' },
  label: { role: 'seg', scheme: 'generic' },
  labels: { role: 'seg', scheme: 'generic' },
  mask: { role: 'seg', scheme: 'generic' },
  segmentation: { role: 'seg', scheme: 'generic' },
  roi: { role: 'seg', scheme: 'generic' },
  lesion: { role: 'seg', scheme: 'generic' },
  annotation: { role: 'seg', scheme: 'generic' },
  annotations: { role: 'seg', scheme: 'generic' },
  goldstandard: { role: 'seg', scheme: 'generic' },
  groundtruth: { role: 'seg', scheme: 'generic' },
  truth: { role: 'seg', scheme: 'generic' },
  gt: { role: 'seg', scheme: 'generic' },
  manual: { role: 'seg', scheme: 'generic' },
  manuallycorrected: { role: 'seg', scheme: 'generic' },
  consensus: { role: 'seg', scheme: 'generic' },
  fusion: { role: 'seg', scheme: 'generic' },
  mav: { role: 'seg', scheme: 'generic' },
  staple: { role: 'seg', scheme: 'generic' },
  brainmask: { role: 'brainmask', scheme: 'generic' },
};

/** Two tokens that name one thing when split by a separator, e.g. "T2_FLAIR", "T1_gd", "brain_mask". */
const PAIRS: Record<string, string> = {
  't2 flair': 't2flair',
  't1 gd': 't1gd',
  't1 ce': 't1ce',
  't1 post': 't1post',
  't1 c': 't1c',
  'brain mask': 'brainmask',
  'gold standard': 'goldstandard',
  'ground truth': 'groundtruth',
};

/** The lower-case word tokens of a file's stem: "BraTS-GLI-00001-000-t2f.nii.gz" -> brats, gli, 00001, 000, t2f. */
export function nameTokens(fileName: string): string[] {
  return stripNiftiExtension(fileName).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

export function stripNiftiExtension(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.nii(\.gz)?$/i, '');
}

/**
 * Role from a file name, case-insensitive, for BraTS 2013/2015, 2021 and 2023 names and common
 * variants. The last matching token wins, since case ids come first ("BraTS-GLI-00001-000-t2f").
 * BraTS 2023's "-t1c" and 2015's "T1c" mean the same, so "t1c" alone says nothing of the scheme
 * unless the file also uses a 2023 separator ("-t1c").
 */
export function detectRole(fileName: string): { role: Role; scheme: NamingScheme } | null {
  const stem = stripNiftiExtension(fileName);
  const tokens = nameTokens(fileName);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const pair = i > 0 ? PAIRS[`${tokens[i - 1]} ${tokens[i]}`] : undefined;
    const hit = (pair && TOKENS[pair]) || TOKENS[tokens[i]];
    if (!hit) continue;
    if (tokens[i] === 't1c' && /-t1c$/i.test(stem)) return { role: 't1ce', scheme: 'brats2023' };
    if (tokens[i] === 'seg' && /^brats-.*-seg$/i.test(stem)) return { role: 'seg', scheme: 'brats2023' };
    return hit;
  }
  return null;
}

/** The scheme a whole case follows: 2023 and 2015 names are distinctive; anything else is 2021-like. */
export function caseNamingScheme(fileNames: string[]): NamingScheme {
  const schemes = fileNames.map((n) => detectRole(n)?.scheme);
  if (schemes.includes('brats2023')) return 'brats2023';
  if (schemes.includes('brats2015')) return 'brats2015';
  if (schemes.includes('brats2021')) return 'brats2021';
  return 'generic';
}
