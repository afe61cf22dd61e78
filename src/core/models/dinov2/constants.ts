export const PATCH_SIZE = 14;
export const LAYER_NORM_EPS = 1e-6;
/** The ImageNet statistics DINOv2 was trained with, per RGB channel. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;
