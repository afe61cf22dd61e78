"""Reads a DICOM SEG back with pydicom and checks it against its source series and a label NIfTI (nibabel).

usage: check_seg.py SEG.dcm SOURCE_DIR LABELS.nii[.gz] VALUES_JSON
VALUES_JSON: the label value of each segment in order, e.g. [1, 2, 4].
For every frame: the source image it cites exists in SOURCE_DIR, the frame's position is that
image's, and its pixels are the label map's voxels nearest to each source pixel's centre
(computed here, independently of the studio). Every (segment, image) pair with voxels must have a
frame. Prints one JSON line.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
import pydicom

seg_path, source_dir, labels_path, values = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
seg = pydicom.dcmread(seg_path)
sources = {}
for name in os.listdir(source_dir):
    try:
        ds = pydicom.dcmread(os.path.join(source_dir, name), stop_before_pixels=True)
    except Exception:
        continue
    sources[ds.SOPInstanceUID] = ds

img = nib.load(labels_path)
labels = np.asarray(img.dataobj).astype(np.int32)
inv = np.linalg.inv(img.affine)


def expected(ds, value):
    iop = np.array(ds.ImageOrientationPatient, dtype=float)
    ipp = np.array(ds.ImagePositionPatient, dtype=float)
    dr, dc = (float(x) for x in ds.PixelSpacing)
    r, c = np.meshgrid(np.arange(ds.Rows), np.arange(ds.Columns), indexing="ij")
    lps = ipp[None, None, :] + c[..., None] * dc * iop[None, None, :3] + r[..., None] * dr * iop[None, None, 3:]
    ras = lps * np.array([-1, -1, 1])
    ijk = np.rint(ras @ inv[:3, :3].T + inv[:3, 3]).astype(int)
    inside = np.all((ijk >= 0) & (ijk < np.array(labels.shape)), axis=-1)
    out = np.zeros((ds.Rows, ds.Columns), dtype=np.uint8)
    i, j, k = (np.where(inside, ijk[..., a], 0) for a in range(3))
    out[inside] = labels[i, j, k][inside] == value
    return out


frames = seg.pixel_array
if frames.ndim == 2:
    frames = frames[None]
mismatched, wrong_position, unknown = 0, 0, 0
seen = set()
for n, fg in enumerate(seg.PerFrameFunctionalGroupsSequence):
    segment = int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
    uid = fg.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    ds = sources.get(uid)
    if ds is None:
        unknown += 1
        continue
    seen.add((segment, uid))
    if not np.allclose(np.array(fg.PlanePositionSequence[0].ImagePositionPatient, dtype=float), np.array(ds.ImagePositionPatient, dtype=float), atol=1e-4):
        wrong_position += 1
    mismatched += int(np.count_nonzero(expected(ds, values[segment - 1]) != frames[n]))

series = seg.ReferencedSeriesSequence[0].SeriesInstanceUID
missing = 0
for s, value in enumerate(values, start=1):
    for uid, ds in sources.items():
        if ds.SeriesInstanceUID == series and (s, uid) not in seen and expected(ds, value).any():
            missing += 1

print(json.dumps({
    "frames": len(seg.PerFrameFunctionalGroupsSequence),
    "segments": [str(x.SegmentLabel) for x in seg.SegmentSequence],
    "mismatched_pixels": mismatched,
    "wrong_position": wrong_position,
    "unknown_sources": unknown,
    "missing_frames": missing,
    "patient": str(seg.PatientID),
    "study_matches": seg.StudyInstanceUID == next(iter(sources.values())).StudyInstanceUID,
    "frame_of_reference_matches": seg.FrameOfReferenceUID == next(iter(sources.values())).FrameOfReferenceUID,
}))
