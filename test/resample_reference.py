"""Independent reference for the studio's resampling: scipy's map_coordinates through nibabel's affines.

usage: resample_reference.py SOURCE.nii[.gz] TARGET.nii[.gz] ORDER OUT.nii
Writes SOURCE resampled onto TARGET's stored grid (order 1 trilinear, 0 nearest) as float32 NIfTI
with TARGET's affine. A target voxel centre outside SOURCE's field of view (more than half a voxel
beyond its outer centres) is 0; within it, edge values extend to the border (mode='nearest').
"""
import sys

import nibabel as nib
import numpy as np
from scipy.ndimage import map_coordinates

source, target, order, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = nib.load(source)
t = nib.load(target)
m = np.linalg.inv(s.affine) @ t.affine
ijk = np.indices(t.shape[:3]).reshape(3, -1).astype(np.float64)
coords = m[:3, :3] @ ijk + m[:3, 3:]
values = map_coordinates(s.get_fdata(dtype=np.float64), coords, order=order, mode='nearest')
n = np.array(s.shape[:3])[:, None]
inside = np.all((coords >= -0.5) & (coords <= n - 0.5), axis=0)
values[~inside] = 0
nib.save(nib.Nifti1Image(values.reshape(t.shape[:3]).astype(np.float32), t.affine), out)
