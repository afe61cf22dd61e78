"""Writes NIfTI fixtures with nibabel, the field's reference implementation, and prints what
nibabel reads back from them (data in stored order, affine, canonical RAS+ data and affine) as
JSON, so the studio's reader is checked against an independent implementation.

usage: nibabel_fixtures.py OUT_DIR        -> writes fixtures, prints JSON
       nibabel_fixtures.py --inspect FILE -> prints JSON of one file as nibabel reads it
"""
import gzip
import json
import sys

import nibabel as nib
import numpy as np


def describe(path):
    img = nib.load(path)
    data = np.asanyarray(img.dataobj).astype(np.float64)
    canon = nib.as_closest_canonical(img)
    cdata = np.asanyarray(canon.dataobj).astype(np.float64)
    hdr = img.header
    return {
        "path": path,
        "shape": list(img.shape),
        "dtype": str(hdr.get_data_dtype()),
        "affine": img.affine.tolist(),
        "qform_code": int(hdr["qform_code"]),
        "sform_code": int(hdr["sform_code"]),
        # NIfTI order: x fastest
        "data": data.flatten(order="F").tolist(),
        "canonical_shape": list(canon.shape),
        "canonical_affine": canon.affine.tolist(),
        "canonical_data": cdata.flatten(order="F").tolist(),
    }


def rotation_z(deg):
    t = np.deg2rad(deg)
    return np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])


def main(out):
    shape = (5, 4, 3)
    base = np.arange(np.prod(shape)).reshape(shape, order="F")
    files = []

    def save(img, name):
        p = f"{out}/{name}"
        nib.save(img, p)
        files.append(p)

    # One file per data type, plain and gzipped, with a qform only (a 90 degree turn and a flip).
    q_aff = np.eye(4)
    q_aff[:3, :3] = rotation_z(90) @ np.diag([2.0, 1.5, -3.0])
    q_aff[:3, 3] = [10, -20, 5]
    for dtype, scale in [("uint8", 3), ("int16", -7), ("uint16", 900), ("int32", -70000), ("uint32", 70000), ("int64", -70000), ("uint64", 250000), ("float32", 0.25), ("float64", -1e-3)]:
        arr = (base * scale).astype(dtype)
        img = nib.Nifti1Image(arr, None, dtype=dtype)
        img.header.set_qform(q_aff, code=1)
        img.header.set_sform(None, code=0)
        for ext in ("nii", "nii.gz"):
            save(img, f"qform_{dtype}.{ext}")

    # scl_slope / scl_inter on int16 storage.
    img = nib.Nifti1Image(base.astype(np.int16), np.diag([1.0, 1.0, 1.0, 1.0]))
    img.header.set_slope_inter(0.5, -3.0)
    save(img, "scaled_int16.nii.gz")

    # sform only, axes permuted (stored x runs posterior-to-anterior... as P->A? see canonical).
    s_aff = np.array([[0, 0, -1.2, 30], [-1.0, 0, 0, 40], [0, 2.0, 0, -10], [0, 0, 0, 1]])
    img = nib.Nifti1Image(base.astype(np.float32), None)
    img.header.set_sform(s_aff, code=2)
    img.header.set_qform(None, code=0)
    save(img, "sform_permuted.nii.gz")

    # Both present and different: the sform wins (nibabel, ITK-SNAP, FSL).
    img = nib.Nifti1Image(base.astype(np.float32), None)
    img.header.set_qform(q_aff, code=1)
    img.header.set_sform(s_aff, code=1)
    save(img, "both_forms.nii")

    # NIfTI-2, plain and gzipped, with a qform-only LPS affine as in BraTS.
    lps = np.diag([-1.0, -1.0, 1.0, 1.0])
    lps[:3, 3] = [0, 3, 0]
    img = nib.Nifti2Image(base.astype(np.int16), None)
    img.header.set_qform(lps, code=1)
    img.header.set_sform(None, code=0)
    save(img, "nifti2_int16.nii")
    save(img, "nifti2_int16.nii.gz")

    # Big-endian storage.
    hdr = nib.Nifti1Header(endianness=">")
    img = nib.Nifti1Image(base.astype(">f4") - 7.5, lps, header=hdr)
    save(img, "bigendian_float32.nii")

    # Several gzip members (bgzip, pigz --independent, cat a.gz b.gz): nibabel reads them all.
    with open(f"{out}/qform_int16.nii", "rb") as f:
        raw = f.read()
    cuts = [0, 100, 352, len(raw)]
    p = f"{out}/multimember_int16.nii.gz"
    with open(p, "wb") as f:
        for a, b in zip(cuts, cuts[1:]):
            f.write(gzip.compress(raw[a:b]))
    files.append(p)

    print(json.dumps([describe(p) for p in files]))


if __name__ == "__main__":
    if sys.argv[1] == "--inspect":
        print(json.dumps(describe(sys.argv[2])))
    else:
        main(sys.argv[1])
