"""Writes synthetic MR DICOM series with pydicom (Debian's python3-pydicom), for the DICOM reader's tests.

usage: write_dicom.py OUT_DIR SPEC.json
SPEC: [{"number": 3, "description": "AX FLAIR", "dims": [nx, ny, nz], "spacing": 1.0, "thickness": 2.0,
        "tilt": 0, "image_type": ["ORIGINAL", "PRIMARY"], "te": 0.1, "tr": 9.0, "ti": 2.5}, ...]
Pixel (i, j) of slice k of series s holds the value 10 * s + i + 30 * j + 700 * k, so a test knows
the value at every world point. The slice normal is row x column; slices are written in reverse
order on disk so a reader must sort them by position, as with a real PACS export.
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

out, spec = sys.argv[1], json.load(open(sys.argv[2]))
os.makedirs(out, exist_ok=True)
study = generate_uid()
frame = generate_uid()
for s in spec:
    nx, ny, nz = s["dims"]
    t = np.deg2rad(s.get("tilt", 0))
    row = np.array([1.0, 0.0, 0.0])
    col = np.array([0.0, np.cos(t), np.sin(t)])
    normal = np.cross(row, col)
    origin = np.array(s.get("origin", [-nx * s["spacing"] / 2, -ny * s["spacing"] / 2, -nz * s["thickness"] / 2]))
    uid = generate_uid()
    for k in reversed(range(nz)):
        ds = Dataset()
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = MRImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta = meta
        ds.SOPClassUID = MRImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.PatientName = "Test^Patient"
        ds.PatientID = "P123"
        ds.StudyDate = "20260101"
        ds.AcquisitionDate = "20260101"
        ds.AcquisitionTime = "101500"
        ds.Modality = "MR"
        ds.Manufacturer = "SIEMENS"
        ds.StudyInstanceUID = study
        ds.SeriesInstanceUID = uid
        ds.FrameOfReferenceUID = frame
        ds.SeriesNumber = s["number"]
        ds.InstanceNumber = k + 1
        ds.SeriesDescription = s["description"]
        ds.ProtocolName = s["description"]
        ds.ImageType = s.get("image_type", ["ORIGINAL", "PRIMARY", "M", "ND"])
        if "te" in s:
            ds.EchoTime = s["te"] * 1000
        if "tr" in s:
            ds.RepetitionTime = s["tr"] * 1000
        if "ti" in s:
            ds.InversionTime = s["ti"] * 1000
        pos = origin + k * s["thickness"] * normal
        ds.ImagePositionPatient = [f"{v:.5f}" for v in pos]
        ds.ImageOrientationPatient = [f"{v:.8f}" for v in list(row) + list(col)]
        ds.PixelSpacing = [s["spacing"], s["spacing"]]
        ds.SliceThickness = s["thickness"]
        ds.SpacingBetweenSlices = s["thickness"]
        ds.Rows = ny
        ds.Columns = nx
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        j, i = np.mgrid[0:ny, 0:nx]
        ds.PixelData = (10 * s["number"] + i + 30 * j + 700 * k).astype(np.int16).tobytes()
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.preamble = b"\0" * 128
        pydicom.dcmwrite(os.path.join(out, f"IM{s['number']:02d}{k:04d}"), ds, write_like_original=False)
