/**
 * Rigid alignment of one sequence to the reference, for a patient who moved between series:
 * elastix (the registration toolkit of the field, through its authors' WebAssembly build,
 * @itk-wasm/elastix) maximises Mattes mutual information over a rotation and a translation. The
 * browser's worker and Node call the same pipeline through their own entry (an `Elastix`
 * function); this module builds its inputs and turns its answer into a transform of the world.
 */
import { type Affine, affineFromRows, invertAffine, multiply } from '../geometry/affine.ts';
import type { Dims3 } from '../geometry/orientation.ts';

/** An image as itk-wasm passes it: x fastest, physical point = origin + direction * (index * spacing). */
export interface ItkImage {
  imageType: { dimension: 3; componentType: 'float32'; pixelType: 'Scalar'; components: 1 };
  name: string;
  origin: number[];
  spacing: number[];
  direction: Float64Array;
  size: number[];
  metadata: Map<string, string | number | number[] | number[][] | string[]>;
  data: Float32Array;
}

export type ParameterMap = Record<string, string[]>;

/** elastix's run: the parameter maps, the fixed and moving images; its optimised transform parameter maps back. */
export type Elastix = (parameterObject: ParameterMap[], fixed: ItkImage, moving: ItkImage) => Promise<ParameterMap[]>;

/** elastix's own defaults for a rigid run (its default "rigid" map), fixed seed and no resampled image: the studio resamples once, itself. */
export function rigidParameterMap(seed = 1): ParameterMap {
  return {
    AutomaticParameterEstimation: ['true'],
    AutomaticScalesEstimation: ['true'],
    AutomaticTransformInitialization: ['false'],
    CheckNumberOfSamples: ['true'],
    DefaultPixelValue: ['0'],
    FixedImagePyramid: ['FixedSmoothingImagePyramid'],
    MovingImagePyramid: ['MovingSmoothingImagePyramid'],
    ImageSampler: ['RandomCoordinate'],
    Interpolator: ['LinearInterpolator'],
    MaximumNumberOfIterations: ['256'],
    MaximumNumberOfSamplingAttempts: ['8'],
    Metric: ['AdvancedMattesMutualInformation'],
    NewSamplesEveryIteration: ['true'],
    NumberOfResolutions: ['4'],
    NumberOfSamplesForExactGradient: ['4096'],
    NumberOfSpatialSamples: ['2048'],
    Optimizer: ['AdaptiveStochasticGradientDescent'],
    RandomSeed: [String(seed)],
    Registration: ['MultiResolutionRegistration'],
    ResampleInterpolator: ['FinalLinearInterpolator'],
    Resampler: ['DefaultResampler'],
    Transform: ['EulerTransform'],
    WriteIterationInfo: ['false'],
    WriteResultImage: ['false'],
  };
}

export interface GridImage {
  dims: Dims3;
  spacing: Dims3;
  data: Float32Array;
}

/** Both images on one grid (the reference's, where the case already resampled the moving one): index times spacing is elastix's physical space. */
const toItk = (v: GridImage, name: string): ItkImage => ({
  imageType: { dimension: 3, componentType: 'float32', pixelType: 'Scalar', components: 1 },
  name,
  origin: [0, 0, 0],
  spacing: [...v.spacing],
  direction: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]),
  size: [...v.dims],
  metadata: new Map(),
  data: v.data,
});

/**
 * ITK's Euler3DTransform (ComputeZYX false): R = Rz Rx Ry, T(p) = R (p - c) + c + t, parameters
 * [angle x, angle y, angle z, tx, ty, tz], centre c; as a 4x4 in the same space.
 */
export function eulerMatrix(parameters: number[], centre: number[]): Affine {
  const [ax, ay, az, tx, ty, tz] = parameters;
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  const rx = affineFromRows([[1, 0, 0, 0], [0, cx, -sx, 0], [0, sx, cx, 0]]);
  const ry = affineFromRows([[cy, 0, sy, 0], [0, 1, 0, 0], [-sy, 0, cy, 0]]);
  const rz = affineFromRows([[cz, -sz, 0, 0], [sz, cz, 0, 0], [0, 0, 1, 0]]);
  const r = multiply(rz, multiply(rx, ry));
  const offset = [0, 1, 2].map((i) => centre[i] + [tx, ty, tz][i] - (r[i * 4] * centre[0] + r[i * 4 + 1] * centre[1] + r[i * 4 + 2] * centre[2]));
  return affineFromRows([0, 1, 2].map((i) => [r[i * 4], r[i * 4 + 1], r[i * 4 + 2], offset[i]]));
}

/** A rigid transform's size: its rotation angle (degrees) and how far it moves a point (mm). */
export function rigidSize(t: Affine, at: [number, number, number]): { rotationDeg: number; shiftMm: number } {
  const trace = t[0] + t[5] + t[10];
  const rotationDeg = (Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2))) * 180) / Math.PI;
  const moved = [0, 1, 2].map((i) => t[i * 4] * at[0] + t[i * 4 + 1] * at[1] + t[i * 4 + 2] * at[2] + t[i * 4 + 3] - at[i]);
  return { rotationDeg, shiftMm: Math.hypot(...moved) };
}

/**
 * The world transform (RAS mm) that takes a point of the fixed image to the same anatomy in the
 * moving one, both given on the reference grid whose voxel-to-world affine is `affine`. A file's
 * corrected placement is then correctedAffine(transform, its affine).
 */
export async function registerRigid(fixed: GridImage, moving: GridImage, affine: Affine, elastix: Elastix, seed = 1): Promise<Affine> {
  const [result] = await elastix([rigidParameterMap(seed)], toItk(fixed, 'fixed'), toItk(moving, 'moving'));
  const parameters = (result.TransformParameters ?? []).map(Number);
  const centre = (result.CenterOfRotationPoint ?? []).map(Number);
  if (parameters.length !== 6 || centre.length !== 3 || [...parameters, ...centre].some((x) => !Number.isFinite(x))) throw new Error('elastix gave no rigid transform');
  // Physical p = S v and world w = A v: world = M p with M = A S^-1.
  const s = fixed.spacing;
  const m = multiply(affine, affineFromRows([[1 / s[0], 0, 0, 0], [0, 1 / s[1], 0, 0], [0, 0, 1 / s[2], 0]]));
  return multiply(m, multiply(eulerMatrix(parameters, centre), invertAffine(m)));
}

/** Where a moved sequence's voxels really lie: its anatomy at world w' is shown at T^-1(w'). */
export const correctedAffine = (transform: Affine, affine: Affine): Affine => multiply(invertAffine(transform), affine);
