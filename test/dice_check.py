"""Recomputes a region's Dice from two NIfTI label maps with nibabel + numpy: an independent check
of the studio's metric and of the geometry of its exported predictions.

usage: dice_check.py PREDICTION TRUTH LABEL[,LABEL...]   -> prints the Dice as JSON
"""
import json
import sys

import nibabel as nib
import numpy as np

pred = nib.load(sys.argv[1])
truth = nib.load(sys.argv[2])
assert np.allclose(pred.affine, truth.affine, atol=1e-4), "prediction is not on the truth's grid"
labels = [float(x) for x in sys.argv[3].split(",")]
p = np.isin(np.asanyarray(pred.dataobj), labels)
t = np.isin(np.asanyarray(truth.dataobj), labels)
total = p.sum() + t.sum()
print(json.dumps({"dice": 1.0 if total == 0 else float(2 * (p & t).sum() / total), "shape": list(pred.shape)}))
