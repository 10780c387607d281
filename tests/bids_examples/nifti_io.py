"""NIfTI images for fill_dataset.py: intact placeholder headers, the MNI grids
images are simulated on, and writing images (int16 with scl_slope 1, gzip with
zlib's run-length strategy) on background threads."""

import os
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import nibabel as nib

MNI_BRAIN_CENTRE = np.array([0.0, -18.0, 18.0])

nib.openers.Opener.default_compresslevel = 1  # fast gzip; the data is noise anyway


# ---------------------------------------------------------------- reading and grids

def header_of(path):
    """An intact NIfTI header of a placeholder, or None (empty or unreadable file)."""
    if os.path.getsize(path) < 348:
        return None
    try:
        img = nib.load(path)
        if len(img.shape) >= 3 and all(s > 0 for s in img.shape):
            return img
    except Exception:
        return None
    return None


def mni_grid(voxel):
    lo = np.array([-78.0, -114.0, -60.0])
    hi = np.array([78.0, 78.0, 90.0])
    shape = np.ceil((hi - lo) / voxel).astype(int) + 1
    affine = np.diag([voxel, voxel, voxel, 1.0])
    affine[:3, 3] = lo
    return tuple(shape), affine


def recentred_affine(img):
    zooms = np.array(img.header.get_zooms()[:3], dtype=float)
    shape = np.array(img.shape[:3])
    affine = np.diag(list(zooms) + [1.0])
    affine[:3, 3] = MNI_BRAIN_CENTRE - zooms * (shape - 1) / 2.0
    return affine


# ---------------------------------------------------------------- writing

class Writer:
    """Writes images on background threads (zlib releases the GIL), at most 2 pending."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.pending = []

    def submit(self, fn, *args, **kwargs):
        while len(self.pending) >= 2:
            self.pending.pop(0).result()
        self.pending.append(self.pool.submit(fn, *args, **kwargs))

    def wait(self):
        for f in self.pending:
            f.result()
        self.pending = []


_WRITER = {}


def writer():
    """This process's writer (created after a fork, never inherited)."""
    pid = os.getpid()
    if pid not in _WRITER:
        _WRITER[pid] = Writer()
    return _WRITER[pid]


def save_image(path, full, affine, tr=None, dtype=np.int16, intent=None, xform_code=4):
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(dtype)
    img = nib.Nifti1Image(full, affine, hdr)
    img.set_sform(affine, code=xform_code)
    img.set_qform(affine, code=xform_code)
    zooms = list(img.header.get_zooms()[:3])
    if tr is not None:
        img.header.set_zooms(zooms + [float(tr)])
    img.header.set_xyzt_units("mm", "sec")
    if dtype == np.int16:
        img.header.set_slope_inter(1.0, 0.0)
    if path.endswith(".gz"):
        # gzip with zlib's run-length strategy: as small as level 1 on this data
        # (zeros outside the brain, noise inside) and faster.
        raw = img.to_bytes()
        c = zlib.compressobj(1, zlib.DEFLATED, 31, 9, zlib.Z_RLE)
        with open(path, "wb") as f:
            for i in range(0, len(raw), 1 << 24):
                f.write(c.compress(raw[i:i + (1 << 24)]))
            f.write(c.flush())
    else:
        img.to_filename(path)


def to_volume(grid, values, dtype):
    """values [T, N] or [N] -> full grid array [X, Y, Z(, T)], Fortran-ordered (as NIfTI
    stores it, so that writing needs no transposed copy)."""
    if values.ndim == 1:
        values = values[None, :]
        squeeze = True
    else:
        squeeze = False
    T = values.shape[0]
    buf = np.zeros((T, int(np.prod(grid.shape))), dtype=dtype)
    v = values
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        v = np.clip(np.rint(v), info.min, info.max)
    buf[:, grid.vox_f] = v
    full = buf.T.reshape(grid.shape + (T,), order="F")
    return full[..., 0] if squeeze else full
